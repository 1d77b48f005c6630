"""How a ticket's SLA reads to a person: the next deadline in words, and the SLA panel."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from tickets import sla
from tickets.models import OPEN_STATUSES, Ticket


def _span(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return "under a minute"
    return sla.human(timedelta(seconds=seconds))


@dataclass(frozen=True)
class Badge:
    text: str
    css: str
    title: str
    state: str  # ok, warning, breached, paused, none


def next_target(ticket: Ticket) -> str:
    return "response" if ticket.first_response_at is None else "resolution"


def badge(ticket: Ticket, now: datetime | None = None) -> Badge:
    """Time left to the next SLA target, or how long ago it was breached."""
    now = now or timezone.now()
    if ticket.status not in OPEN_STATUSES or ticket.sla_policy_id is None:
        return Badge("—", "text-body-secondary", "No SLA running", "none")
    target = next_target(ticket)
    label = "First response" if target == "response" else "Resolution"
    if ticket.sla_running_since is None:
        return Badge("Paused", "text-bg-secondary", f"{label} clock paused", "paused")
    due = getattr(ticket, f"{target}_due_at")
    warn = getattr(ticket, f"{target}_warn_at")
    if due is None:
        return Badge("—", "text-body-secondary", "No SLA running", "none")
    local = timezone.localtime(due)
    title = f"{label} due {local:%a %d %b %H:%M}"
    if due <= now:
        return Badge(f"Breached {_span(now - due)} ago", "text-bg-danger", title, "breached")
    if warn is not None and warn <= now:
        return Badge(f"{_span(due - now)} left", "text-bg-warning", title, "warning")
    return Badge(f"{_span(due - now)} left", "text-bg-success-subtle text-success-emphasis",
                 title, "ok")


@dataclass(frozen=True)
class ClockRow:
    label: str
    target: timedelta | None
    used: timedelta
    due: datetime | None
    outcome: str  # "met", "breached", "running", "paused", "at risk", "not started"
    percent: int


def panel(ticket: Ticket, now: datetime | None = None) -> dict:
    """Everything the SLA panel on the ticket page shows."""
    now = now or timezone.now()
    if ticket.sla_policy_id is None:
        return {"policy": None, "events": list(_sla_events(ticket))}
    return {"policy": ticket.sla_policy, "calendar": ticket.sla_policy.calendar,
            "rows": clock_rows(ticket, now), "badge": badge(ticket, now),
            "events": list(_sla_events(ticket))}


def clock_rows(ticket: Ticket, now: datetime) -> list[ClockRow]:
    """The response and resolution clocks as the SLA panel (and the ticket API) show them."""
    rows = []
    for clock, label in (("response", "First response"), ("resolution", "Resolution")):
        target = getattr(ticket, f"{clock}_target")
        used = sla.live_used(ticket, clock, now)
        pending = (sla.response_pending(ticket) if clock == "response"
                   else sla.resolution_pending(ticket))
        breached = getattr(ticket, f"{clock}_breached")
        if not pending:
            outcome = "breached" if breached else ("met" if breached is False else "stopped")
        elif ticket.sla_running_since is None:
            outcome = "paused"
        elif used > target:
            outcome = "breached"
        elif getattr(ticket, f"{clock}_warn_at") and getattr(ticket, f"{clock}_warn_at") <= now:
            outcome = "at risk"
        else:
            outcome = "running"
        percent = min(100, int(100 * used / target)) if target else 0
        rows.append(ClockRow(label, target, used, getattr(ticket, f"{clock}_due_at"), outcome,
                             percent))
    return rows


def _sla_events(ticket: Ticket):
    return ticket.events.filter(action="sla").select_related("actor").order_by("at", "id")
