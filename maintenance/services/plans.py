"""Writes with rules for plans, occurrences and windows. Views, API, tasks and admin call these.

One transaction per call. Bad input raises ValidationError with field → messages; an
actor who may not do this raises PermissionDenied. Work items are created and changed
only through tickets.services. Patches live in patching.py, generation in generation.py.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, User
from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence, OccurrenceChange
from maintenance.recurrence import RuleError, normalise
from tickets import services as tickets
from tickets.models import Status

MAX_LEAD_TIME = timedelta(days=366)
MAX_DURATION = timedelta(days=14)
MAX_WINDOW = timedelta(days=31)
MAX_STEPS = 100
SCHEDULE_FIELDS = ("rrule", "starts_on", "at_time", "time_zone", "is_active")


def check_agent(user: User | None) -> None:
    if user is not None and not user.is_agent:
        raise PermissionDenied("Only support engineers can change maintenance.")


def plan_errors(plan: MaintenancePlan, steps: list[dict] | None) -> dict:
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
              assets: list[Asset] | None = None,
              services: list[Service] | None = None) -> MaintenancePlan:
    """Create or change a plan (fields already set on `plan`), its steps and targets.

    `None` for steps/assets/services leaves them as they are. A schedule change moves
    the plan's next occurrence; what was already generated stays.
    """
    check_agent(actor)
    plan.rrule = normalise(plan.rrule)
    errors = plan_errors(plan, steps)
    if plan.creates_window and assets == [] and services == []:
        errors["creates_window"] = ["A window needs at least one asset or service."]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
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
            reschedule(plan, now)
        elif before["lead_time"] != plan.lead_time:
            _apply_lead_time(plan)
    return plan


def _replace_steps(plan: MaintenancePlan, steps: list[dict]) -> None:
    from maintenance.models import PlanStep

    plan.steps.all().delete()
    PlanStep.objects.bulk_create(
        PlanStep(plan=plan, position=n, text=step["text"].strip()[:300],
                 requires_note=bool(step.get("requires_note")),
                 requires_result=bool(step.get("requires_result")))
        for n, step in enumerate(steps, start=1))


def reschedule(plan: MaintenancePlan, now: datetime) -> None:
    """Point the plan at its next rule moment after now (and after anything on record)."""
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
def plan_set_active(*, plan: MaintenancePlan, active: bool, actor: User) -> MaintenancePlan:
    """Pause or resume. A resumed plan starts again from now: no backlog of missed work."""
    check_agent(actor)
    plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_active != active:
        plan.is_active = active
        plan.updated_at = timezone.now()
        plan.save(update_fields=["is_active", "updated_at"])
        reschedule(plan, plan.updated_at)
    return plan


def _is_rule_moment(plan: MaintenancePlan, moment: datetime) -> bool:
    found = plan.schedule().next_after(moment - timedelta(seconds=1))
    return found == moment


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why, for the record."]})
    return reason[:2000]


def _claim(plan: MaintenancePlan, scheduled_for: datetime, defaults: dict):
    """The occurrence row, created with `defaults` or locked as it is."""
    if not _is_rule_moment(plan, scheduled_for) and not plan.occurrences.filter(
            scheduled_for=scheduled_for).exists():
        raise ValidationError({"scheduled_for": ["The plan has no occurrence at that time."]})
    occurrence, created = Occurrence.objects.get_or_create(
        plan=plan, scheduled_for=scheduled_for, defaults=defaults)
    if not created:
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    return occurrence, created


def _drop_work_item(occurrence: Occurrence, actor: User, note: str, *, started_ok: bool) -> None:
    ticket = occurrence.ticket
    if ticket is None:
        return
    if not ticket.is_open:
        raise ValidationError({"scheduled_for": [
            f"{ticket.ref} is already {ticket.get_status_display().lower()}."]})
    started = ticket.status != Status.NEW or ticket.checklist.filter(
        done_at__isnull=False).exists()
    if started and not started_ok:
        raise ValidationError({"scheduled_for": [
            f"{ticket.ref} is already being worked; finish or cancel it instead."]})
    tickets.ticket_transition(ticket=ticket, actor=actor, to=Status.CANCELLED, note=note)


def occurrence_skip(*, plan: MaintenancePlan, scheduled_for: datetime, actor: User,
                    reason: str) -> Occurrence:
    """Skip one occurrence, with a reason. Its open work item is cancelled with that note."""
    check_agent(actor)
    reason = _reason(reason)
    now = timezone.now()
    with transaction.atomic():
        occurrence, created = _claim(plan, scheduled_for, {
            "status": Occurrence.Status.SKIPPED, "due_at": scheduled_for, "reason": reason,
            "changed_by": actor, "changed_at": now})
        if not created:
            if occurrence.status == Occurrence.Status.SKIPPED:
                raise ValidationError({"scheduled_for": ["This occurrence is already skipped."]})
            _drop_work_item(occurrence, actor, f"Skipped: {reason}", started_ok=True)
            occurrence.status = Occurrence.Status.SKIPPED
            occurrence.generate_at = None
            occurrence.reason, occurrence.changed_by, occurrence.changed_at = reason, actor, now
            occurrence.save()
        MaintenanceWindow.objects.filter(occurrence=occurrence).delete()
        OccurrenceChange.objects.create(
            occurrence=occurrence, action=OccurrenceChange.Action.SKIPPED,
            from_at=occurrence.due_at, reason=reason, actor=actor, at=now)
    return occurrence


def occurrence_move(*, plan: MaintenancePlan, scheduled_for: datetime, to: datetime,
                    actor: User, reason: str) -> Occurrence:
    """Move one occurrence to another time, with a reason. It generates at its new time.

    A work item already created but not started is cancelled (with a note saying where
    the work went) and a new one is created for the new time.
    """
    check_agent(actor)
    reason = _reason(reason)
    now = timezone.now()
    if to is None or timezone.is_naive(to):
        raise ValidationError({"to": ["Give the new date and time."]})
    if to <= now:
        raise ValidationError({"to": ["Move it to a time in the future."]})
    if to - scheduled_for > timedelta(days=366) or scheduled_for - to > timedelta(days=366):
        raise ValidationError({"to": ["Move it by less than a year."]})
    with transaction.atomic():
        plan = MaintenancePlan.objects.get(pk=plan.pk)
        occurrence, created = _claim(plan, scheduled_for, {
            "status": Occurrence.Status.MOVED, "due_at": to, "generate_at": to - plan.lead_time,
            "reason": reason, "changed_by": actor, "changed_at": now})
        old_due = scheduled_for if created else occurrence.due_at
        if not created:
            if occurrence.status == Occurrence.Status.SKIPPED:
                raise ValidationError({"scheduled_for": [
                    "This occurrence was skipped; it cannot be moved."]})
            if occurrence.due_at == to:
                raise ValidationError({"to": ["That is when it is due already."]})
            local = to.astimezone(plan.schedule().tz)
            _drop_work_item(occurrence, actor, f"Moved to {local:%Y-%m-%d %H:%M %Z}: {reason}",
                            started_ok=False)
            occurrence.ticket = None
            occurrence.status = Occurrence.Status.MOVED
            occurrence.due_at, occurrence.generate_at = to, to - plan.lead_time
            occurrence.reason, occurrence.changed_by, occurrence.changed_at = reason, actor, now
            occurrence.save()
            MaintenanceWindow.objects.filter(occurrence=occurrence).delete()
        OccurrenceChange.objects.create(
            occurrence=occurrence, action=OccurrenceChange.Action.MOVED,
            from_at=old_due, to_at=to, reason=reason, actor=actor, at=now)
    return occurrence


def window_save(*, window: MaintenanceWindow, actor: User | None, services: list[Service],
                assets: list[Asset]) -> MaintenanceWindow:
    """Create or change a one-off window (fields already set on `window`)."""
    check_agent(actor)
    errors: dict[str, list[str]] = {}
    window.reason = (window.reason or "").strip()
    if not window.reason:
        errors["reason"] = ["Say what the maintenance is, e.g. “Mail server upgrade”."]
    if not window.starts_at:
        errors["starts_at"] = ["Give the start."]
    if not window.ends_at:
        errors["ends_at"] = ["Give the end."]
    elif window.starts_at and window.ends_at <= window.starts_at:
        errors["ends_at"] = ["The end must be after the start."]
    elif window.starts_at and window.ends_at - window.starts_at > MAX_WINDOW:
        errors["ends_at"] = ["A window lasts at most 31 days."]
    if not services and not assets:
        errors["services"] = ["Choose the services or assets it affects."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if window.pk is None:
            window.created_by = actor
        window.save()
        window.services.set(services)
        window.assets.set(assets)
    return window


def window_delete(*, window: MaintenanceWindow, actor: User) -> None:
    check_agent(actor)
    window.delete()
