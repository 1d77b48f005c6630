"""Writes with rules for maintenance plans and their checklist steps.

One transaction per call. Bad input raises ValidationError with field → messages; an
actor who may not do this raises PermissionDenied. A schedule change points the plan at
its next occurrence; skipping and moving one occurrence live in occurrences.py, windows
in windows.py, generation in generation.py, patches in patching.py.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, User
from maintenance.models import MaintenancePlan, Occurrence, PlanStep
from maintenance.recurrence import RuleError, normalise
from maintenance.services.access import require_agent

MAX_LEAD_TIME = timedelta(days=366)
MAX_DURATION = timedelta(days=14)
MAX_STEPS = 100
SCHEDULE_FIELDS = ("rrule", "starts_on", "at_time", "time_zone", "is_active")


def plan_errors(plan: MaintenancePlan, steps: list[dict] | None) -> dict:
    """Field → messages for a plan (and its steps) as set on `plan`; empty when it is good."""
    errors: dict[str, list[str]] = {}
    plan.title = (plan.title or "").strip()
    if not plan.title:
        errors["title"] = ["A title is required."]
    try:
        plan.schedule().validate()
    except RuleError as exc:
        errors["time_zone" if "time zone" in str(exc) else "rrule"] = [str(exc)]
    if not plan.expected_duration or not (
            timedelta(0) < plan.expected_duration <= MAX_DURATION):
        errors["expected_duration"] = ["Expect between one minute and 14 days."]
    if plan.lead_time is None or not timedelta(0) <= plan.lead_time <= MAX_LEAD_TIME:
        errors["lead_time"] = ["Lead time is between 0 and 366 days."]
    assignee = plan.assignee
    if assignee is not None:
        if not assignee.is_active or not assignee.is_agent:
            errors["assignee"] = [f"{assignee} is not a support engineer."]
        elif plan.team_id and not plan.team.members.filter(pk=assignee.pk).exists():
            errors["assignee"] = [f"{assignee} is not a member of {plan.team}."]
    if steps is not None:
        if len(steps) > MAX_STEPS:
            errors["steps"] = [f"A checklist has at most {MAX_STEPS} steps."]
        elif any(not (step.get("text") or "").strip() for step in steps):
            errors["steps"] = ["Every step needs a text."]
        elif any(len(step["text"].strip()) > 300 for step in steps):
            errors["steps"] = ["A step is at most 300 characters."]
    return errors


def plan_save(*, plan: MaintenancePlan, actor: User | None, steps: list[dict] | None = None,
              assets: list[Asset] | None = None, services: list[Service] | None = None,
              now: datetime | None = None) -> MaintenancePlan:
    """Create or change a plan (fields already set on `plan`), its steps and targets.

    `None` for steps/assets/services leaves them as they are. A schedule change moves
    the plan's next occurrence; what was already generated stays.
    """
    require_agent(actor)
    plan.rrule = normalise(plan.rrule)
    errors = plan_errors(plan, steps)
    if plan.creates_window and assets == [] and services == []:
        errors["creates_window"] = ["A window needs at least one asset or service."]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        before = (MaintenancePlan.objects.select_for_update().filter(pk=plan.pk)
                  .values(*SCHEDULE_FIELDS, "lead_time").first() if plan.pk else None)
        plan.updated_at = now
        if before is None:
            plan.created_by = plan.created_by or actor
            plan.created_at = now
        plan.save()
        if assets is not None:
            plan.assets.set(assets)
        if services is not None:
            plan.services.set(services)
        if steps is not None:
            _replace_steps(plan, steps)
        if before is None or any(before[f] != getattr(plan, f) for f in SCHEDULE_FIELDS):
            _reschedule(plan, now)
        elif before["lead_time"] != plan.lead_time:
            _apply_lead_time(plan)
    return plan


def _replace_steps(plan: MaintenancePlan, steps: list[dict]) -> None:
    plan.steps.all().delete()
    PlanStep.objects.bulk_create(
        PlanStep(plan=plan, position=n, text=step["text"].strip()[:300],
                 requires_note=bool(step.get("requires_note")),
                 requires_result=bool(step.get("requires_result")))
        for n, step in enumerate(steps, start=1))


@transaction.atomic
def plan_reschedule(*, plan: MaintenancePlan, now: datetime | None = None) -> MaintenancePlan:
    """Recompute the plan's next occurrence, e.g. after its rule changed outside plan_save."""
    plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
    _reschedule(plan, now or timezone.now())
    return plan


def _reschedule(plan: MaintenancePlan, now: datetime) -> None:
    """Point the plan at its next rule moment after now (and after anything on record).

    Runs inside the caller's transaction (plan_save, plan_set_active, plan_reschedule).
    """
    latest = (plan.occurrences.order_by("-scheduled_for")
              .values_list("scheduled_for", flat=True).first())
    after = max(now, latest) if latest else now
    upcoming = plan.schedule().next_after(after) if plan.is_active else None
    plan.next_occurrence_at = upcoming
    plan.next_generate_at = upcoming - plan.lead_time if upcoming else None
    plan.generation_error = ""
    plan.save(update_fields=["next_occurrence_at", "next_generate_at", "generation_error"])
    _apply_lead_time(plan)


def _apply_lead_time(plan: MaintenancePlan) -> None:
    if plan.next_occurrence_at:
        plan.next_generate_at = plan.next_occurrence_at - plan.lead_time
        plan.save(update_fields=["next_generate_at"])
    for occurrence in plan.occurrences.filter(status=Occurrence.Status.MOVED):
        occurrence.generate_at = occurrence.due_at - plan.lead_time
        occurrence.save(update_fields=["generate_at"])


@transaction.atomic
def plan_set_active(*, plan: MaintenancePlan, active: bool, actor: User,
                    now: datetime | None = None) -> MaintenancePlan:
    """Pause or resume. A resumed plan starts again from now: no backlog of missed work."""
    require_agent(actor)
    plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_active != active:
        plan.is_active = active
        plan.updated_at = now or timezone.now()
        plan.save(update_fields=["is_active", "updated_at"])
        _reschedule(plan, plan.updated_at)
    return plan


@transaction.atomic
def plan_delete(*, plan: MaintenancePlan, actor: User | None) -> None:
    """Delete a plan with its occurrences and windows; work items already created stay."""
    require_agent(actor)
    plan.delete()
