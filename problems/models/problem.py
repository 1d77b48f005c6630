"""A problem: the cause behind one or more incidents, from assessment to a known error and a fix.

The work item itself is a Ticket of kind `problem` (PRB-…, in the same queue and SLA engine);
this row holds what only a problem has, one to one with that ticket.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from itsm.models import Asset, Service
from tickets.models import Ticket


class Stage(models.TextChoices):
    NEW = "new", "New"
    ASSESSING = "assessing", "Assessing"
    RCA = "rca", "Root-cause analysis"
    KNOWN_ERROR = "known_error", "Known error"
    FIX_IN_PROGRESS = "fix_in_progress", "Fix in progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    DUPLICATE = "duplicate", "Duplicate"
    RISK_ACCEPTED = "risk_accepted", "Risk accepted"


OPEN_STAGES = (Stage.NEW, Stage.ASSESSING, Stage.RCA, Stage.KNOWN_ERROR, Stage.FIX_IN_PROGRESS)


class CauseCategory(models.TextChoices):
    CHANGE = "change", "Change"
    CAPACITY = "capacity", "Capacity"
    SOFTWARE = "software", "Software defect"
    HARDWARE = "hardware", "Hardware"
    CONFIGURATION = "configuration", "Configuration"
    VENDOR = "vendor", "Vendor"
    HUMAN = "human", "Human error"
    UNKNOWN = "unknown", "Unknown"


class Problem(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="problem")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    statement = models.TextField(blank=True, help_text="Markdown: what is wrong, in one paragraph.")
    symptoms = models.TextField(blank=True, help_text="Markdown: what users and monitoring see.")
    root_cause = models.TextField(blank=True, help_text="Markdown: why it happens.")
    cause_category = models.CharField(max_length=20, choices=CauseCategory.choices, blank=True)
    workaround = models.TextField(blank=True, help_text="Markdown: how to get going meanwhile.")
    # Bumped by the service each time the workaround text changes; notes on linked incidents
    # are posted once per (incident, version).
    workaround_version = models.PositiveIntegerField(default=0)
    permanent_fix = models.TextField(blank=True, help_text="Markdown: what removes the cause.")
    services = models.ManyToManyField(Service, blank=True, related_name="problems")
    assets = models.ManyToManyField(Asset, blank=True, related_name="problems")
    fix_plan = models.ForeignKey("maintenance.MaintenancePlan", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="problems")
    # When fix_plan was linked: only an occurrence finished after it counts as the fix done.
    fix_plan_linked_at = models.DateTimeField(null=True, blank=True)
    # A change or maintenance task (any work item) whose completion is the fix.
    fix_ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="fixes_problems")
    article = models.ForeignKey("knowledge.Article", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="problems")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    risk_review_on = models.DateField(null=True, blank=True)
    created_from = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    root_cause_at = models.DateTimeField(null=True, blank=True)
    known_error_at = models.DateTimeField(null=True, blank=True)
    # Set when resolved: closing waits until then without a new linked incident.
    quiet_until = models.DateTimeField(null=True, blank=True)
    reanalysis_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_problem", "Can work problems and decide proposals")]
        indexes = [
            models.Index(fields=["stage"], name="problem_stage"),
            models.Index(fields=["quiet_until"], name="problem_quiet",
                         condition=Q(stage="resolved")),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.ref} {self.ticket.title}"

    def get_absolute_url(self) -> str:
        return reverse("problems:desk_problem", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class ProblemIncident(models.Model):
    """An incident the problem explains. Linking and unlinking are services."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="problem_links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "incident"],
                                               name="problem_incident_once")]
        indexes = [models.Index(fields=["incident"], name="problem_incident_incident")]

    def __str__(self) -> str:
        return f"{self.problem_id} explains {self.incident_id}"


class WorkaroundNote(models.Model):
    """The workaround posted on a linked incident: once per (incident, workaround version)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="workaround_notes")
    incident = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    posted_at = models.DateTimeField(default=timezone.now)
    replied_at = models.DateTimeField(null=True, blank=True, help_text="Sent to the requester.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "incident", "version"],
                                               name="workaround_note_once")]

    def __str__(self) -> str:
        return f"workaround v{self.version} on {self.incident_id}"
