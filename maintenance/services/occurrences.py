"""Writes with rules for one occurrence of a plan: skip it or move it, with a reason.

One transaction per call; each change is kept in OccurrenceChange. The occurrence's work
item, if already created, is cancelled through tickets.services.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import User
from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence, OccurrenceChange
from maintenance.services.access import require_agent
from tickets import services as tickets
from tickets.models import Status

MAX_MOVE = timedelta(days=366)


def _is_rule_moment(plan: MaintenancePlan, moment: datetime) -> bool:
    found = plan.schedule().next_after(moment - timedelta(seconds=1))
    return found == moment


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why, for the record."]})
    return reason[:2000]


def _claim(plan: MaintenancePlan, scheduled_for: datetime, defaults: dict):
    """The occurrence row, created with `defaults` or locked as it is (in a transaction)."""
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
                    reason: str, now: datetime | None = None) -> Occurrence:
    """Skip one occurrence, with a reason. Its open work item is cancelled with that note."""
    require_agent(actor)
    reason = _reason(reason)
    now = now or timezone.now()
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
                    actor: User, reason: str, now: datetime | None = None) -> Occurrence:
    """Move one occurrence to another time, with a reason. It generates at its new time.

    A work item already created but not started is cancelled (with a note saying where
    the work went) and a new one is created for the new time.
    """
    require_agent(actor)
    reason = _reason(reason)
    now = now or timezone.now()
    if to is None or timezone.is_naive(to):
        raise ValidationError({"to": ["Give the new date and time."]})
    if to <= now:
        raise ValidationError({"to": ["Move it to a time in the future."]})
    if abs(to - scheduled_for) > MAX_MOVE:
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
