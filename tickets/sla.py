"""The SLA clock of a ticket: bank the business time used, then recompute deadlines.

Pure arithmetic on a ticket in memory: it writes nothing, the services save. Services call
`bank()` right after locking a ticket (time used so far is counted under the rules that
were in force) and `refresh()` after changing it (deadlines follow the rules now in force).
So pauses, resumes, priority or policy changes and reopens never lose or double count time:
used time only grows while the clock runs, and every deadline is "now + what is left", on
the policy's calendar.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from itsm import durations
from itsm.performance.config_cache import config
from tickets.models import DONE_STATUSES, SlaPolicy, Status, Ticket, TicketEvent

ZERO = timedelta(0)


@config("tickets.SlaPolicy", "itsm.BusinessCalendar", "itsm.WorkingPeriod", "itsm.ClosedDate")
def _policies() -> tuple[SlaPolicy, ...]:
    return tuple(SlaPolicy.objects.filter(is_active=True).select_related("calendar"))


def active_policies() -> list[SlaPolicy]:
    """In the order they are tried; shared by the process, so never change one."""
    return list(_policies())


def policy_for(ticket: Ticket, policies: list[SlaPolicy] | None = None) -> SlaPolicy | None:
    for policy in policies if policies is not None else active_policies():
        if policy.matches(ticket):
            return policy
    return None


def response_pending(ticket: Ticket) -> bool:
    return ticket.first_response_at is None and ticket.status not in DONE_STATUSES


def resolution_pending(ticket: Ticket) -> bool:
    return ticket.status not in DONE_STATUSES


def bank(ticket: Ticket, now: datetime) -> None:
    """Add the business time since the clock last started to each clock still counting."""
    if ticket.sla_running_since is None or ticket.sla_policy_id is None:
        return
    schedule = ticket.sla_policy.calendar.schedule()
    elapsed = schedule.between(ticket.sla_running_since, now)
    if response_pending(ticket):
        ticket.response_used += elapsed
    if resolution_pending(ticket):
        ticket.resolution_used += elapsed
    ticket.sla_running_since = now


def stop_response(ticket: Ticket) -> None:
    """First response given (call after bank): fix the outcome."""
    if ticket.response_target is not None and ticket.response_breached is None:
        ticket.response_breached = ticket.response_used > ticket.response_target


def stop_resolution(ticket: Ticket) -> None:
    if ticket.resolution_target is not None:
        ticket.resolution_breached = ticket.resolution_used > ticket.resolution_target


def _fmt(moment: datetime | None, tz) -> str:
    return "—" if moment is None else f"{moment.astimezone(tz):%a %d %b %H:%M}"


def human(delta: timedelta, *, days_too: bool = True) -> str:
    """"1 d 2 h 5 min" (itsm.durations: to the nearest minute, half up)."""
    return durations.human(delta, days_too=days_too)


def _moment(schedule, now, target, used, share, old):
    """now + (share of target − used) in business time; if already past, keep when it was."""
    left = target * share - used
    if left > ZERO:
        return schedule.add(now, left)
    return old if old is not None and old <= now else now


def _status_stretches(ticket: Ticket, now: datetime) -> list[tuple[datetime, datetime, str]]:
    """(start, end, status) from filing until `now`, read from the ticket's timeline and,
    for the stretch up to now, its stored row (this change is not saved yet)."""
    by_label = {label: value for value, label in Status.choices}
    changes = list(TicketEvent.objects.filter(ticket_id=ticket.pk, field="status",
                                              action=TicketEvent.Action.STATUS, at__lt=now)
                   .order_by("at", "pk").values_list("at", "old_value", "new_value"))
    stored = (Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).first()
              or ticket.status)
    stretches, start = [], ticket.created_at
    status = by_label.get(changes[0][1], stored) if changes else stored
    for at, _old, new in changes:
        stretches.append((start, at, status))
        start, status = at, by_label.get(new, status)
    stretches.append((start, now, stored))
    return [(a, b, st) for a, b, st in stretches if b > a]


def used_from_history(ticket: Ticket, policy: SlaPolicy, now: datetime) -> dict[str, timedelta]:
    """The time each clock has used since filing, counted again on `policy`'s calendar and
    pause statuses, from the ticket's own history: what a policy that applied from the
    start would have counted. Used when the policy that applies changes."""
    schedule = policy.calendar.schedule()
    paused = set(policy.pause_statuses or []) | set(DONE_STATUSES)
    response_end = min(ticket.first_response_at or now, now)
    used = {"response": ZERO, "resolution": ZERO}
    for start, end, status in _status_stretches(ticket, now):
        if status in paused:
            continue
        used["resolution"] += schedule.between(start, end)
        if start < response_end:
            used["response"] += schedule.between(start, min(end, response_end))
    return used


CLOCK_FIELDS = ["sla_policy", "sla_running_since", "response_target", "resolution_target",
                "response_used", "resolution_used", "response_warn_at", "response_due_at",
                "resolution_warn_at", "resolution_due_at", "next_due_at", "next_warn_at",
                "response_warned_at",
                "response_breached_at", "resolution_warned_at", "resolution_breached_at",
                "response_breached", "resolution_breached", "sla_breached"]


def refresh(ticket: Ticket, now: datetime, *, reason: str, actor=None,
            policies: list[SlaPolicy] | None = None) -> list[TicketEvent]:
    """Apply the matching policy and the current status; return timeline entries to save."""
    events: list[TicketEvent] = []
    version = ticket.version + 1 if isinstance(ticket.version, int) else 1

    def note(message: str, field: str = "", old: str = "", new: str = "") -> None:
        events.append(TicketEvent(ticket=ticket, actor=actor, at=now, action="sla",
                                  field=field, old_value=old, new_value=new, message=message,
                                  is_internal=True, version=version))

    old_policy_id = ticket.sla_policy_id
    old_running = ticket.sla_running_since is not None
    policy = policy_for(ticket, policies)
    if policy is None:
        if old_policy_id is not None:
            note(f"No SLA policy applies any more ({reason}); deadlines removed.")
        ticket.sla_policy = None
        ticket.sla_running_since = None
        ticket.response_warn_at = ticket.response_due_at = None
        ticket.resolution_warn_at = ticket.resolution_due_at = ticket.next_due_at = None
        ticket.next_warn_at = None
        ticket.sla_breached = bool(ticket.response_breached or ticket.resolution_breached)
        return events

    schedule = policy.calendar.schedule()
    tz = schedule.tz
    if policy.pk != old_policy_id:
        ticket.sla_policy = policy
        ticket.response_target = timedelta(minutes=policy.response_minutes)
        ticket.resolution_target = timedelta(minutes=policy.resolution_minutes)
        if ticket.pk is not None and ticket.created_at is not None:
            # Matched late or changed: the time used so far is what this policy's calendar
            # makes of the ticket's history, not what the old one (or none) counted.
            used = used_from_history(ticket, policy, now)
            ticket.response_used, ticket.resolution_used = used["response"], used["resolution"]
            if ticket.first_response_at is not None:
                ticket.response_breached = ticket.response_used > ticket.response_target
            if ticket.status in (Status.RESOLVED, Status.CLOSED):
                ticket.resolution_breached = ticket.resolution_used > ticket.resolution_target
        verb = "applied" if old_policy_id is None else "now applies"
        note(f"SLA policy “{policy.name}” {verb} ({reason}): first response within "
             f"{human(ticket.response_target, days_too=False)}, resolution within "
             f"{human(ticket.resolution_target, days_too=False)} of business time on "
             f"{policy.calendar}.",
             field="sla_policy", new=policy.name)
    # A first policy's deadlines go into its own entry: one line on a new ticket, not three.
    first_policy = events[-1] if old_policy_id is None and events else None
    first_due: list[str] = []

    respond, resolve = response_pending(ticket), resolution_pending(ticket)
    paused = ticket.status in (policy.pause_statuses or [])
    running = (respond or resolve) and not paused
    if old_running and not running and resolve and paused:
        note(f"Clock paused: {ticket.get_status_display()}.")
    elif not old_running and running and old_policy_id == policy.pk:
        note(f"Clock running again ({reason}).")
    ticket.sla_running_since = now if running else None

    share = policy.warning_percent / 100
    old_due = {"response": ticket.response_due_at, "resolution": ticket.resolution_due_at}
    for clock, pending in (("response", respond), ("resolution", resolve)):
        target = getattr(ticket, f"{clock}_target")
        used = getattr(ticket, f"{clock}_used")
        if pending and running:
            warn = _moment(schedule, now, target, used, share, getattr(ticket, f"{clock}_warn_at"))
            due = _moment(schedule, now, target, used, 1, getattr(ticket, f"{clock}_due_at"))
        else:
            warn = due = None
        setattr(ticket, f"{clock}_warn_at", warn)
        setattr(ticket, f"{clock}_due_at", due)
        # A deadline moved into the future may be warned about or breached again.
        if warn is not None and warn > now:
            setattr(ticket, f"{clock}_warned_at", None)
        if due is not None and due > now:
            setattr(ticket, f"{clock}_breached_at", None)
        if due != old_due[clock] and due is not None and first_policy is not None:
            label = "First response" if clock == "response" else "resolution"
            first_due.append(f"{label} due {_fmt(due, tz)}")
        elif due != old_due[clock] and due is not None:
            label = "First response" if clock == "response" else "Resolution"
            note(f"{label} due {_fmt(due, tz)} ({reason}; {human(used, days_too=False)} of "
                 f"{human(target, days_too=False)} used).", field=f"{clock}_due_at",
                 old=old_due[clock].isoformat() if old_due[clock] else "",
                 new=due.isoformat())
    if first_due:
        first_policy.message += " " + "; ".join(first_due) + "."
    ticket.next_due_at = ticket.response_due_at if respond else ticket.resolution_due_at
    ticket.next_warn_at = ticket.response_warn_at if respond else ticket.resolution_warn_at
    ticket.sla_breached = is_breached(ticket, now)
    return events


def is_breached(ticket: Ticket, now: datetime) -> bool:
    """Has any target been missed, by an outcome, a sweep mark or the time used so far?"""
    if ticket.response_breached or ticket.resolution_breached:
        return True
    respond, resolve = response_pending(ticket), resolution_pending(ticket)
    if respond and (ticket.response_breached_at is not None
                    or ticket.response_used > (ticket.response_target or ticket.response_used)
                    or (ticket.response_due_at is not None and ticket.response_due_at <= now)):
        return True
    return resolve and (ticket.resolution_breached_at is not None
                        or ticket.resolution_used > (ticket.resolution_target
                                                     or ticket.resolution_used)
                        or (ticket.resolution_due_at is not None
                            and ticket.resolution_due_at <= now))


def live_used(ticket: Ticket, clock: str, now: datetime | None = None) -> timedelta:
    """Business time used so far, including the current running stretch (for pages)."""
    used = getattr(ticket, f"{clock}_used")
    pending = response_pending(ticket) if clock == "response" else resolution_pending(ticket)
    if ticket.sla_running_since is not None and ticket.sla_policy_id is not None and pending:
        used += ticket.sla_policy.calendar.schedule().between(ticket.sla_running_since,
                                                              now or timezone.now())
    return used
