"""Notifications waiting to be sent, written in the same transaction as the change."""

from django.db import models


class PendingNotification(models.Model):
    """One e-mail event (see tickets.services.notifications.notification_deliver); deleted
    once handled.

    Written with the change that caused it, so a notification exists exactly when the
    change committed, even if the process dies right after the commit.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20)
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event} on ticket {self.ticket_id}"
