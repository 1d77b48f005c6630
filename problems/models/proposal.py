"""A proposal: incidents that cluster (same asset, check, service and category, or similar
titles) with no open problem covering them. Proposals never open problems by themselves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from itsm.models import Asset, Service
from tickets.models import Category, Ticket


class Rule(models.TextChoices):
    ASSET = "asset", "Same asset"
    CHECK = "check", "Same check"
    SERVICE_CATEGORY = "service_category", "Same service and category"
    TITLE = "title", "Similar titles"


class Proposal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    rule = models.CharField(max_length=20, choices=Rule.choices)
    # What the cluster shares, e.g. "asset:12", "check:7", "service_category:3:5", "title:<id>".
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200, help_text="Suggested problem title.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    incidents = models.ManyToManyField(Ticket, related_name="proposals")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    check_ref = models.ForeignKey("monitoring.Check", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    dismiss_reason = models.TextField(blank=True)
    problem = models.ForeignKey("problems.Problem", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="proposals")

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # One open proposal per cluster: detection updates it instead of adding another.
            models.UniqueConstraint(fields=["rule", "key"], condition=Q(status="open"),
                                    name="proposal_open_once"),
        ]
        indexes = [models.Index(fields=["status", "-updated_at"], name="proposal_status")]

    def __str__(self) -> str:
        return self.title
