"""SLA policies and escalation rules (admin-editable), and the escalations they fired."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from itsm.models import BusinessCalendar, Service, Team

DEFAULT_PAUSE = ["waiting", "on_hold"]


def default_pause_statuses():
    return list(DEFAULT_PAUSE)


class SlaPolicy(models.Model):
    """Targets for a set of tickets; the first active policy (by order) that matches wins."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveIntegerField(default=100, help_text="Lower is tried first.")
    is_active = models.BooleanField(default=True)
    kinds = models.JSONField(default=list, blank=True, help_text="Empty: every kind.")
    priorities = models.JSONField(default=list, blank=True, help_text="Empty: every priority.")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE,
                                help_text="Only tickets for this service (optional).")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE,
                             help_text="Only tickets of this team (optional).")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT,
                                 help_text="Targets count working time on this calendar.")
    response_minutes = models.PositiveIntegerField(help_text="First response target, in "
                                                             "business minutes.")
    resolution_minutes = models.PositiveIntegerField(help_text="Resolution target, in "
                                                               "business minutes.")
    warning_percent = models.PositiveSmallIntegerField(
        default=75, help_text="Warn when this share of a target is used (1–99).")
    pause_statuses = models.JSONField(default=default_pause_statuses, blank=True,
                                      help_text="Statuses that stop the clock.")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from tickets.models.ticket import Kind, Priority, Status

        errors = {}
        if not self.response_minutes or self.response_minutes <= 0:
            errors["response_minutes"] = "The response target must be at least one minute."
        if not self.resolution_minutes or self.resolution_minutes <= 0:
            errors["resolution_minutes"] = "The resolution target must be at least one minute."
        elif self.response_minutes and self.resolution_minutes < self.response_minutes:
            errors["resolution_minutes"] = "Resolution cannot be due before the first response."
        if not 1 <= (self.warning_percent or 0) <= 99:
            errors["warning_percent"] = "Choose a warning point between 1 and 99 %."
        for field, allowed in (("kinds", Kind.values), ("priorities", Priority.values),
                               ("pause_statuses", Status.values)):
            values = getattr(self, field) or []
            bad = [v for v in values if v not in allowed] if isinstance(values, list) else [values]
            if bad:
                errors[field] = f"Unknown value(s): {', '.join(map(str, bad))}."
        if errors:
            raise ValidationError(errors)

    def matches(self, ticket) -> bool:
        return ((not self.kinds or ticket.kind in self.kinds)
                and (not self.priorities or ticket.priority in self.priorities)
                and (self.service_id is None or self.service_id == ticket.service_id)
                and (self.team_id is None or self.team_id == ticket.team_id))


class Trigger(models.TextChoices):
    RESPONSE_WARNING = "response_warning", "First response at risk"
    RESPONSE_BREACH = "response_breach", "First response breached"
    RESOLUTION_WARNING = "resolution_warning", "Resolution at risk"
    RESOLUTION_BREACH = "resolution_breach", "Resolution breached"


class EscalationRule(models.Model):
    """What happens when a warning or breach is reached, for matching tickets."""

    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    priorities = models.JSONField(default=list, blank=True, help_text="Empty: every priority.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text="Only tickets of this team (optional).")
    notify_assignee = models.BooleanField(default=True)
    notify_team = models.BooleanField(default=False)
    notify_managers = models.BooleanField(default=False)
    notify_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reassign_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", help_text="Move the ticket to this team.")
    raise_priority = models.BooleanField(default=False, help_text="Raise priority one step.")
    business_hours_only = models.BooleanField(
        default=True, help_text="Hold notifications until the ticket's calendar is open.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_trigger_display()})"

    def clean(self):
        from tickets.models.ticket import Priority

        bad = [p for p in (self.priorities or []) if p not in Priority.values]
        if bad:
            raise ValidationError({"priorities": f"Unknown priorities: {bad}."})
        if not (self.notify_assignee or self.notify_team or self.notify_managers
                or self.notify_user_id or self.reassign_team_id or self.raise_priority):
            raise ValidationError("Choose at least one action.")


class Escalation(models.Model):
    """One firing of a rule for one ticket; notifications go out from these rows."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="escalations")
    rule = models.ForeignKey(EscalationRule, on_delete=models.CASCADE, related_name="firings")
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    fired_at = models.DateTimeField(default=timezone.now)
    notify_after = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fired_at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "rule", "trigger", "fired_at"],
                                               name="escalation_once")]
        indexes = [models.Index(fields=["notify_after"], condition=models.Q(
            notified_at__isnull=True), name="escalation_pending")]

    def __str__(self) -> str:
        return f"{self.rule} on {self.ticket_id} at {self.fired_at}"
