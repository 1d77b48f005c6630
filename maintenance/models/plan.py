"""Proactive work: maintenance plans, their steps and occurrences, and step incidents.

Windows live in window.py, patch and vulnerability records in patch.py.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from itsm.calendars import validate_time_zone
from itsm.models import Asset, Service, Team
from tickets.models import Priority, Ticket


class PlanKind(models.TextChoices):
    PREVENTIVE = "preventive", "Preventive maintenance"
    HEALTH_AUDIT = "health_audit", "Health audit"
    PATCHING = "patching", "Patching"
    BACKUP_TEST = "backup_test", "Backup restore test"
    CAPACITY_REVIEW = "capacity_review", "Capacity review"
    SOFTWARE_UPDATE = "software_update", "Software update"
    OTHER = "other", "Other"


class MaintenancePlan(models.Model):
    """Recurring preventive work. Each occurrence inside the lead time becomes a work item.

    The recurrence is an RFC 5545 RRULE evaluated on wall-clock time in `time_zone`
    (09:00 stays 09:00 across daylight-saving changes); moments are stored in UTC.
    """

    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, help_text="Markdown, copied into each work item.")
    kind = models.CharField(max_length=20, choices=PlanKind.choices, default=PlanKind.PREVENTIVE)
    assets = models.ManyToManyField(Asset, blank=True, related_name="maintenance_plans")
    services = models.ManyToManyField(Service, blank=True, related_name="maintenance_plans")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="maintenance_plans")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text="Default assignee of each work item.")
    rrule = models.CharField("recurrence rule", max_length=500,
                             help_text="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1MO")
    starts_on = models.DateField(help_text="The first day the rule may produce.")
    at_time = models.TimeField(help_text="Wall-clock time in the plan's time zone.")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    expected_duration = models.DurationField(default=timedelta(hours=1))
    lead_time = models.DurationField(default=timedelta(days=7),
                                     help_text="How far ahead the work item is created.")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P3)
    is_active = models.BooleanField("active", default=True)
    creates_window = models.BooleanField(
        default=False, help_text="Announce a maintenance window for each occurrence "
                                 "(occurrence → occurrence + expected duration).")
    # The next rule moment that has no occurrence row yet, and when to generate it
    # (that moment minus the lead time). The sweep reads only `next_generate_at`.
    next_occurrence_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_generate_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why the last sweep could not generate this plan's work item; cleared on success.
    generation_error = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        indexes = [
            # The generation sweep: "active plans whose next work item is due to be created".
            # With nothing due it reads an empty index range, whatever the number of plans.
            models.Index(fields=["next_generate_at"], name="plan_generate_due",
                         condition=Q(is_active=True, next_generate_at__isnull=False)),
            models.Index(fields=["next_occurrence_at"], name="plan_next_occurrence",
                         condition=Q(is_active=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("maintenance:plan", args=[self.pk])

    def schedule(self):
        from maintenance.recurrence import Schedule

        return Schedule(self.rrule, self.starts_on, self.at_time, self.time_zone)

    def steps_as_checklist(self, steps=None) -> list[dict]:
        steps = self.steps.all() if steps is None else steps
        return [{"text": s.text, "requires_note": s.requires_note,
                 "requires_result": s.requires_result} for s in steps]


class PlanStep(models.Model):
    """One step of a plan's checklist template, copied into every work item."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    requires_note = models.BooleanField(default=False)
    requires_result = models.BooleanField(default=False, help_text="Needs a pass/fail result.")

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"],
                                               name="plan_step_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Occurrence(models.Model):
    """A rule moment of a plan that has been acted on: generated, skipped or moved.

    Moments with no row are simply upcoming. The unique (plan, scheduled_for) key makes
    generation happen once per occurrence whatever the number of sweeps and workers.
    """

    class Status(models.TextChoices):
        GENERATED = "generated", "Work item created"
        MOVED = "moved", "Moved"  # to `due_at`; generated when that is inside the lead time
        SKIPPED = "skipped", "Skipped"

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE,
                             related_name="occurrences")
    scheduled_for = models.DateTimeField(help_text="The moment the rule gave (UTC).")
    due_at = models.DateTimeField(help_text="When the work is due: the rule's moment, or "
                                            "where it was moved to.")
    status = models.CharField(max_length=10, choices=Status.choices)
    # For a moved occurrence not yet generated: due_at minus the plan's lead time.
    generate_at = models.DateTimeField(null=True, blank=True)
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="maintenance_occurrence")
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-scheduled_for"]
        constraints = [models.UniqueConstraint(fields=["plan", "scheduled_for"],
                                               name="occurrence_once_per_plan_moment")]
        indexes = [
            # The sweep's second query: moved occurrences whose new time is now in reach.
            models.Index(fields=["generate_at"], name="occurrence_moved_due",
                         condition=Q(status="moved")),
            models.Index(fields=["due_at"], name="occurrence_due"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} @ {self.scheduled_for:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def was_moved(self) -> bool:
        return self.due_at != self.scheduled_for


class OccurrenceChange(models.Model):
    """Who skipped or moved an occurrence, when and why. Kept when it changes again."""

    class Action(models.TextChoices):
        SKIPPED = "skipped", "Skipped"
        MOVED = "moved", "Moved"
        MISSED = "missed", "Missed"

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    from_at = models.DateTimeField(null=True, blank=True)
    to_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              help_text="Empty for Tend itself")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.occurrence_id} at {self.at}"


class StepIncident(models.Model):
    """The incident raised from a failed checklist step: one per step, whatever the clicks."""

    item = models.OneToOneField("tickets.ChecklistItem", on_delete=models.CASCADE,
                                related_name="maintenance_incident")
    incident = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.incident_id} from step {self.item_id}"
