"""Maintenance windows: planned downtime that keeps monitoring quiet about what it covers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from itsm.models import Asset, Service
from tickets.models import Ticket

from .plan import Occurrence


class WindowQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class MaintenanceWindow(models.Model):
    """Planned downtime: monitoring opens no incidents for what it covers while it is open.

    It covers its services, its assets, and the assets of its services.
    """

    reason = models.CharField(max_length=200, help_text="What users see, e.g. "
                                                        "“Mail server upgrade”.")
    details = models.TextField(blank=True, help_text="Markdown, shown on the maintenance page.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    services = models.ManyToManyField(Service, blank=True, related_name="maintenance_windows")
    assets = models.ManyToManyField(Asset, blank=True, related_name="maintenance_windows")
    occurrence = models.OneToOneField(Occurrence, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="window")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="maintenance_windows")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = WindowQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="window_ends_after_start")]
        indexes = [
            # "Open at t" and "overlapping [a, b)": few windows end after any given moment.
            models.Index(fields=["ends_at", "starts_at"], name="window_ends_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC)"

    def get_absolute_url(self) -> str:
        return reverse("maintenance:window_edit", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at
