"""Webhook endpoints, the deliveries queued for them (the outbox) and each attempt made.

A Delivery is one message (one event for one endpoint): its id (`msg_…`, the
`webhook-id` header) and its JSON body are fixed when it is written, so every retry and
every redelivery sends the same bytes under the same id and receivers can deduplicate.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itsm.models import Service, Team


class Endpoint(models.Model):
    name = models.CharField(max_length=80)
    url = models.URLField(max_length=500)
    description = models.TextField(blank=True)
    # Names from itsm.events.EVENTS; the filters below: empty means every one.
    events = models.JSONField(default=list)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    services = models.ManyToManyField(Service, blank=True, related_name="+")
    kinds = models.JSONField(default=list, blank=True)
    priorities = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    # Signing secrets are write-only like mailbox passwords: shown once, never rendered back.
    # The previous one still signs until previous_secret_until (rotation overlap).
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The first failed attempt since the last success; a success clears it. Failing for
    # TEND_WEBHOOK_DISABLE_AFTER_HOURS with no success in between disables (services/delivery).
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    msg_id = models.CharField(max_length=40, unique=True, editable=False)
    event = models.CharField(max_length=40, db_index=True)
    body = models.TextField(editable=False)  # the exact bytes sent, as UTF-8 JSON
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The lease of the worker sending it (DESIGN.md, leases): expired = anyone may take over.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.msg_id} {self.event}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    excerpt = models.TextField(blank=True)  # at most 1 KB of the answer, as text
    error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"
