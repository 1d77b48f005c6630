"""The log of e-mail Tend decided to send, one row per message key."""

from django.db import models


class NotificationLog(models.Model):
    """One row per e-mail Tend decided to send; the unique key makes sending idempotent."""

    key = models.CharField(max_length=160, unique=True)
    recipients = models.TextField()
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.key
