"""Patch and vulnerability management: what is installed, what is missing, by when."""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from itsm.models import Asset, Team
from tickets.models import Priority, Ticket


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


SEVERITY_RANK = {Severity.CRITICAL: 1, Severity.HIGH: 2, Severity.MEDIUM: 3, Severity.LOW: 4}
SEVERITY_PRIORITY = {Severity.CRITICAL: Priority.P1, Severity.HIGH: Priority.P2,
                     Severity.MEDIUM: Priority.P3, Severity.LOW: Priority.P4}


class PatchPolicy(models.Model):
    """Remediation deadlines by severity, counted in days from the advisory's release.

    A single row (pk=1); `services.patching.patch_policy_current()` creates it with the
    defaults.
    """

    critical_days = models.PositiveIntegerField(default=7)
    high_days = models.PositiveIntegerField(default=30)
    medium_days = models.PositiveIntegerField(default=90)
    low_days = models.PositiveIntegerField(default=180)
    per_advisory_threshold = models.PositiveIntegerField(
        default=5, validators=[MinValueValidator(2)],
        help_text="An advisory overdue on this many assets or more gets one follow-up ticket "
                  "for all of them instead of one per asset.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+",
                             help_text="Team for patch follow-ups. Empty: the owner team "
                                       "of the asset's service.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "patch policy"
        verbose_name_plural = "patch policy"

    def __str__(self) -> str:
        return (f"critical {self.critical_days} d, high {self.high_days} d, "
                f"medium {self.medium_days} d, low {self.low_days} d")

    def days_for(self, severity: str) -> int:
        return getattr(self, f"{severity}_days")

    def deadline(self, severity: str, released_on: date) -> date:
        return released_on + timedelta(days=self.days_for(severity))


class Software(models.Model):
    """A package installed on an asset, as its agent or the last import reported it."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="software")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["asset", "name"]
        verbose_name_plural = "software"
        constraints = [models.UniqueConstraint(fields=["asset", "name"],
                                               name="software_once_per_asset")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class Advisory(models.Model):
    """A vendor's security advisory or patch: DSA-5555-1, USN-6543-1, KB5031356…"""

    identifier = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    cvss = models.DecimalField("CVSS", max_digits=3, decimal_places=1, null=True, blank=True,
                               validators=[MinValueValidator(0), MaxValueValidator(10)])
    cve_ids = models.JSONField("CVE ids", default=list, blank=True)
    released_on = models.DateField()
    package = models.CharField(max_length=200, blank=True, help_text="Affected package.")
    fixed_version = models.CharField(max_length=100, blank=True)
    url = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_on", "identifier"]
        verbose_name_plural = "advisories"

    def __str__(self) -> str:
        return self.identifier


class PatchState(models.TextChoices):
    MISSING = "missing", "Missing"
    SCHEDULED = "scheduled", "Scheduled"
    INSTALLED = "installed", "Installed"
    FAILED = "failed", "Failed"
    DEFERRED = "deferred", "Deferred"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# States in which the patch still has to be installed (and so can be overdue).
OPEN_PATCH_STATES = (PatchState.MISSING, PatchState.SCHEDULED, PatchState.FAILED,
                     PatchState.DEFERRED)


class AssetPatch(models.Model):
    """An advisory as it applies to one asset, with its state and remediation deadline."""

    State = PatchState

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="patches")
    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE,
                                 related_name="asset_patches")
    state = models.CharField(max_length=16, choices=PatchState.choices,
                             default=PatchState.MISSING)
    deadline = models.DateField(help_text="Release date + the policy's days for the severity.")
    # The date that counts now: the deadline, or the deferral's end if later; empty once
    # installed or not applicable. Overdue means due_on < today, one indexed comparison.
    due_on = models.DateField(null=True, blank=True)
    deferred_until = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    detected_at = models.DateTimeField(default=timezone.now)
    installed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    follow_up = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+",
                                  help_text="The ticket raised when it became overdue.")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "asset patch"
        verbose_name_plural = "asset patches"
        constraints = [models.UniqueConstraint(fields=["asset", "advisory"],
                                               name="asset_patch_once")]
        indexes = [
            # Compliance: "does this asset have an overdue patch?" is one index probe.
            models.Index(fields=["asset", "due_on"], name="patch_asset_due",
                         condition=Q(due_on__isnull=False)),
            # Overdue list and counts by severity and age: open patches only, and covering
            # (advisory, asset) so the counts are an index-only scan.
            models.Index(fields=["due_on", "advisory", "asset"], name="patch_due",
                         condition=Q(due_on__isnull=False)),
            # The follow-up sweep: overdue and not yet ticketed.
            models.Index(fields=["due_on"], name="patch_due_unticketed",
                         condition=Q(due_on__isnull=False, follow_up__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.advisory_id} on {self.asset_id}: {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_PATCH_STATES

    def compute_due_on(self) -> date | None:
        if self.state not in OPEN_PATCH_STATES:
            return None
        if self.state == PatchState.DEFERRED and self.deferred_until:
            return max(self.deadline, self.deferred_until)
        return self.deadline

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due_on is not None and self.due_on < today


class AssetPatchEvent(models.Model):
    """A patch's state change on an asset: the per-asset history."""

    patch = models.ForeignKey(AssetPatch, on_delete=models.CASCADE, related_name="events")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="patch_events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              help_text="Empty for an agent report or Tend itself")
    source = models.CharField(max_length=20, blank=True, help_text="web, api, agent, import")
    old_state = models.CharField(max_length=16, blank=True)
    new_state = models.CharField(max_length=16)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["asset", "-at"], name="patch_event_asset")]
        permissions = [("ingest_inventory", "Can report inventories and pending patches")]

    def __str__(self) -> str:
        return f"{self.patch_id}: {self.old_state or '—'} → {self.new_state}"
