"""The SLA sweep: mark warnings and breaches whose moment passed, exactly once, then
escalate. Safe to run twice, on two workers at once, or after a worker died mid-run:
rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and marked with a guarded UPDATE
(`… WHERE <mark> IS NULL`) in the same transaction as the escalations they fire."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OPEN_STATUSES, Escalation, EscalationRule, Ticket, TicketEvent
from .models_sla import Trigger

BATCH = 5000


@dataclass(frozen=True)
class Crossing:
    trigger: str
    moment: str  # the stored deadline that passed
    mark: str  # set once by the sweep
    label: str


CROSSINGS = (
    Crossing(Trigger.RESPONSE_WARNING, "response_warn_at", "response_warned_at",
             "First response at risk"),
    Crossing(Trigger.RESPONSE_BREACH, "response_due_at", "response_breached_at",
             "First response target breached"),
    Crossing(Trigger.RESOLUTION_WARNING, "resolution_warn_at", "resolution_warned_at",
             "Resolution at risk"),
    Crossing(Trigger.RESOLUTION_BREACH, "resolution_due_at", "resolution_breached_at",
             "Resolution target breached"),
)


def _due(crossing: Crossing, now):
    # Matches the partial indexes on Ticket (sla_response_warn, …): mark IS NULL.
    return Ticket.objects.filter(**{f"{crossing.moment}__lte": now,
                                    f"{crossing.mark}__isnull": True},
                                 status__in=OPEN_STATUSES)


def sla_sweep(*, now=None, batch: int = BATCH) -> dict[str, int]:
    """Mark every passed moment once; returns how many tickets crossed, per trigger."""
    now = now or timezone.now()
    rules = list(EscalationRule.objects.filter(is_active=True))
    counts = {}
    for crossing in CROSSINGS:
        counts[crossing.trigger] = 0
        while True:
            with transaction.atomic():
                ids = list(_due(crossing, now).select_for_update(skip_locked=True)
                           .values_list("pk", flat=True)[:batch])
                if not ids:
                    break
                marked = Ticket.objects.filter(pk__in=ids, **{f"{crossing.mark}__isnull": True})
                changes = {crossing.mark: now}
                if crossing.trigger in (Trigger.RESPONSE_BREACH, Trigger.RESOLUTION_BREACH):
                    changes["sla_breached"] = True
                marked.update(**changes)
                TicketEvent.objects.bulk_create(
                    TicketEvent(ticket_id=pk, at=now, action=TicketEvent.Action.SLA,
                                field=crossing.mark, message=crossing.label,
                                is_internal=True, version=0)
                    for pk in ids)
                _escalate(crossing, ids, rules, now)
            counts[crossing.trigger] += len(ids)
            if len(ids) < batch:
                break
    if any(counts.values()):
        from .tasks import send_escalations

        transaction.on_commit(send_escalations.delay)
    return counts


def _escalate(crossing: Crossing, ids: list[int], rules: list[EscalationRule], now) -> None:
    """Fire the matching rules: record a firing per ticket; reassign or raise priority."""
    for rule in (r for r in rules if r.trigger == crossing.trigger):
        matching = Ticket.objects.filter(pk__in=ids)
        if rule.priorities:
            matching = matching.filter(priority__in=rule.priorities)
        if rule.team_id:
            matching = matching.filter(team_id=rule.team_id)
        rows = list(matching.values_list("pk", "sla_policy__calendar_id"))
        if not rows:
            continue
        hold = _hold_until(rule, {cal for _, cal in rows if cal}, now)
        Escalation.objects.bulk_create(
            [Escalation(ticket_id=pk, rule=rule, trigger=crossing.trigger, fired_at=now,
                        notify_after=hold.get(cal, now)) for pk, cal in rows],
            ignore_conflicts=True)
        pks = [pk for pk, _ in rows]
        if rule.reassign_team_id or rule.raise_priority:
            from .services import ticket_escalate

            for ticket in Ticket.objects.filter(pk__in=pks, status__in=OPEN_STATUSES):
                ticket_escalate(ticket=ticket, rule=rule, label=crossing.label, now=now)
        TicketEvent.objects.bulk_create(
            TicketEvent(ticket_id=pk, at=now, action=TicketEvent.Action.SLA, is_internal=True,
                        message=f"Escalation “{rule.name}”: {_describe(rule)}", version=0)
            for pk in pks)


def _hold_until(rule: EscalationRule, calendar_ids: set[int], now) -> dict[int, object]:
    if not rule.business_hours_only:
        return {}
    from itsm.models import BusinessCalendar

    return {cal.pk: cal.schedule().next_open(now)
            for cal in BusinessCalendar.objects.filter(pk__in=calendar_ids)}


def _describe(rule: EscalationRule) -> str:
    actions = []
    if rule.notify_assignee:
        actions.append("notify the assignee")
    if rule.notify_team:
        actions.append("notify the team")
    if rule.notify_managers:
        actions.append("notify the managers")
    if rule.notify_user_id:
        actions.append(f"notify {rule.notify_user}")
    if rule.reassign_team_id:
        actions.append(f"reassign to {rule.reassign_team}")
    if rule.raise_priority:
        actions.append("raise the priority")
    held = " (notifications held until business hours)" if rule.business_hours_only else ""
    return ", ".join(actions) + held


def claim_escalations(*, now=None, batch: int = 200) -> list[Escalation]:
    """Claim firings whose notifications are due (guarded, so two senders never share)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Escalation.objects.select_for_update(skip_locked=True)
                   .filter(notified_at__isnull=True, notify_after__lte=now)
                   .filter(Q(claimed_at__isnull=True)
                           | Q(claimed_at__lt=now - timedelta(minutes=10)))
                   .values_list("pk", flat=True)[:batch])
        Escalation.objects.filter(pk__in=ids).update(claimed_at=now)
    return list(Escalation.objects.filter(pk__in=ids)
                .select_related("rule", "rule__notify_user", "ticket", "ticket__assignee",
                                "ticket__team", "ticket__requester"))


__all__ = ["CROSSINGS", "claim_escalations", "sla_sweep"]
