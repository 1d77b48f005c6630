"""The SLA sweep: mark warnings and breaches whose moment passed, exactly once, then
escalate. Safe to run twice, on two workers at once, or after a worker died mid-run:
rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and marked with a guarded UPDATE
(`… WHERE <mark> IS NULL`) in the same transaction as the escalations they fire."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tickets.events import publish
from tickets.models import OPEN_STATUSES, Escalation, EscalationRule, Ticket, TicketEvent
from tickets.models.sla import Trigger
from tickets.services import facts

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
    # Served by the partial indexes on Ticket (sla_response_warn, …); rows already marked
    # are filtered on the heap: only open tickets past a moment, a short range.
    return Ticket.objects.filter(**{f"{crossing.moment}__lte": now,
                                    f"{crossing.mark}__isnull": True},
                                 status__in=OPEN_STATUSES)


def _claim(crossing: Crossing, now, batch: int) -> list[int]:
    """Mark up to `batch` unmarked tickets past the moment; return their ids.

    Postgres: one guarded UPDATE over rows picked with FOR UPDATE SKIP LOCKED, so two
    sweeps never take the same row and a row is never marked twice. A warning changes
    only its unindexed mark column, so the row is updated in place (HOT); a breach also
    sets `sla_breached` in the same statement, so the stored fields always agree.
    """
    due = _due(crossing, now)
    breach = crossing.trigger in (Trigger.RESPONSE_BREACH, Trigger.RESOLUTION_BREACH)
    if connection.vendor != "postgresql":
        ids = list(due.values_list("pk", flat=True)[:batch])
        Ticket.objects.filter(pk__in=ids, **{f"{crossing.mark}__isnull": True}).update(
            **{crossing.mark: now}, **({"sla_breached": True} if breach else {}))
        return ids
    picked = due.select_for_update(skip_locked=True).values("pk")[:batch]
    inner, params = picked.query.sql_with_params()
    table, mark = Ticket._meta.db_table, crossing.mark
    also = ", sla_breached = true" if breach else ""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {mark} = %s{also} WHERE id IN ({inner}) "  # noqa: S608
                       f"AND {mark} IS NULL RETURNING id", [now, *params])
        return [row[0] for row in cursor.fetchall()]


def _in_list(ids) -> str:
    return ", ".join(["%s"] * len(ids))


def _add_events(ids: list[int], now, *, field: str, message: str) -> None:
    """One timeline entry per ticket, written by the database from the ids (no objects)."""
    events, tickets = TicketEvent._meta.db_table, Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {events} (ticket_id, actor_id, at, action, field, old_value, "  # noqa: S608
            f"new_value, message, version, is_internal) SELECT id, NULL, %s, %s, %s, '', '', "
            f"%s, version, %s FROM {tickets} WHERE id IN ({_in_list(ids)})",
            [now, TicketEvent.Action.SLA, field, message, True, *ids])


def sla_sweep(*, now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Mark every passed moment once; returns how many tickets crossed, per trigger."""
    now = now or timezone.now()
    rules = list(EscalationRule.objects.filter(is_active=True))
    counts = {}
    for crossing in CROSSINGS:
        counts[crossing.trigger] = 0
        while True:
            with transaction.atomic():
                ids = _claim(crossing, now, batch)
                if not ids:
                    break
                _add_events(ids, now, field=crossing.mark, message=crossing.label)
                _count(crossing, ids)
                _escalate(crossing, ids, rules, now)
                _publish(crossing, ids, now)
            counts[crossing.trigger] += len(ids)
            if len(ids) < batch:
                break
    if any(counts.values()):
        from tickets.tasks import send_escalations

        transaction.on_commit(send_escalations.delay)
    return counts


def _count(crossing: Crossing, ids: list[int]) -> None:
    """The report facts count each breach on the day it was marked; a warning counts
    nothing. The rows were unmarked a moment ago, in this transaction."""
    if crossing.trigger not in (Trigger.RESPONSE_BREACH, Trigger.RESOLUTION_BREACH):
        return
    current = facts.states(ids)
    previous = {pk: state.moved(**{crossing.mark: None}) for pk, state in current.items()}
    facts.facts_rows_changed(previous=previous, current=current)


def _publish(crossing: Crossing, ids: list[int], now) -> None:
    """sla.warning / sla.breached per ticket, in the marking transaction (the outbox)."""
    breach = crossing.trigger in (Trigger.RESPONSE_BREACH, Trigger.RESOLUTION_BREACH)
    target = "response" if crossing.moment.startswith("response") else "resolution"
    for ticket in Ticket.objects.filter(pk__in=ids).select_related("team", "service",
                                                                   "assignee"):
        publish("sla.breached" if breach else "sla.warning", ticket, now=now, sla={
            "target": target, "due_at": getattr(ticket, f"{target}_due_at"),
            "label": crossing.label})


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
        by_moment: dict = {}
        for pk, cal in rows:
            by_moment.setdefault(hold.get(cal, now), []).append(pk)
        table, tickets = Escalation._meta.db_table, Ticket._meta.db_table
        with connection.cursor() as cursor:
            for notify_after, pks in by_moment.items():
                cursor.execute(
                    f"INSERT INTO {table} (ticket_id, rule_id, trigger, fired_at, notify_after) "  # noqa: S608
                    f"SELECT id, %s, %s, %s, %s FROM {tickets} WHERE id IN ({_in_list(pks)}) "
                    "ON CONFLICT DO NOTHING", [rule.pk, crossing.trigger, now, notify_after, *pks])
        pks = [pk for pk, _ in rows]
        if rule.reassign_team_id or rule.raise_priority:
            from tickets.services.escalation import ticket_escalate

            for ticket in Ticket.objects.filter(pk__in=pks, status__in=OPEN_STATUSES):
                ticket_escalate(ticket=ticket, rule=rule, label=crossing.label, now=now)
        _add_events(pks, now, field="escalation",
                    message=f"Escalation “{rule.name}”: {_describe(rule)}")


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


def escalations_claim(*, now: datetime | None = None, batch: int = 1) -> list[Escalation]:
    """Lease the next firing(s) whose notification is due, just before sending them.

    A lease of TEND_LEASE_SECONDS (guarded, so two senders never share one): a worker
    killed mid-send leaves at most `batch` notices claimed, and only for one lease."""
    from itsm.services.notifications import lease

    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Escalation.objects.select_for_update(skip_locked=True)
                   .filter(notified_at__isnull=True, notify_after__lte=now)
                   .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease()))
                   .order_by("notify_after", "pk")
                   .values_list("pk", flat=True)[:batch])
        Escalation.objects.filter(pk__in=ids).update(claimed_at=now)
    return list(Escalation.objects.filter(pk__in=ids)
                .select_related("rule", "rule__notify_user", "ticket", "ticket__assignee",
                                "ticket__team", "ticket__requester"))


__all__ = ["CROSSINGS", "escalations_claim", "sla_sweep"]
