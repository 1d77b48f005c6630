"""The audit log: who did what that matters to security, and from where.

Written only by itsm/services/audit.py (sign-ins, failed sign-ins, second-factor changes,
token creation and revocation, webhook changes and delivery failures, sign-in policy
changes); never edited, read by admins on /desk/audit/ and exported as CSV. `actor` is
kept as text too, so an entry outlives the account it names.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    # What it was about: "api_token:12", "webhook:3", "user:7" — a label, not a foreign key.
    target = models.CharField(max_length=80, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"], name="audit_actor_at")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_name}"
