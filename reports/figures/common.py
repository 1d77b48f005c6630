"""Populations and labels the ticket figures share, so every report counts the same way."""

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse

from tickets.models import OPEN_STATUSES, PREFIX, Priority, Status, Ticket

DONE_WITH_RESOLUTION = (Status.RESOLVED, Status.CLOSED)
NO_TEAM, NO_SERVICE, NO_CATEGORY, UNASSIGNED = "No team", "No service", "No category", \
    "Unassigned"


def tickets(filters) -> QuerySet[Ticket]:
    return Ticket.objects.filter(filters.q())


def resolved_between(filters, start: datetime, end: datetime) -> QuerySet[Ticket]:
    """Tickets whose (last) resolution fell in [start, end). Reopened tickets carry no
    resolution until they are resolved again; cancelled ones never have one. The status
    condition lets Postgres use the (status, resolved_at) index."""
    return tickets(filters).filter(status__in=DONE_WITH_RESOLUTION, resolved_at__gte=start,
                                   resolved_at__lt=end)


def created_between(filters, start: datetime, end: datetime) -> QuerySet[Ticket]:
    return tickets(filters).filter(created_at__gte=start, created_at__lt=end)


def open_at(filters, moment: datetime, now: datetime) -> QuerySet[Ticket]:
    """Tickets open at `moment`: created by then and not resolved, closed or cancelled by
    then. A resolution counts from `resolved_at`; a cancellation from the ticket's last
    change (Tend stores no separate cancellation time)."""
    if moment >= now - timedelta(seconds=1):
        # Open now: the partial indexes on open tickets answer this.
        return tickets(filters).filter(status__in=OPEN_STATUSES)
    return tickets(filters).filter(created_at__lte=moment).filter(Q(status__in=OPEN_STATUSES)
                       | Q(status__in=DONE_WITH_RESOLUTION, resolved_at__gt=moment)
                       | Q(status=Status.CANCELLED, updated_at__gt=moment))


def ref(kind: str, number: int) -> str:
    return f"{PREFIX.get(kind, kind.upper()[:3])}-{number}"


def desk_url(kind: str, number: int) -> str:
    return reverse("desk:ticket", args=[ref(kind, number)])


def priority_label(value) -> str:
    try:
        return Priority(value).label
    except ValueError:
        return str(value)


def person(first: str | None, last: str | None, username: str | None) -> str:
    name = f"{first or ''} {last or ''}".strip()
    return name or username or UNASSIGNED


def seconds(delta) -> float | None:
    return None if delta is None else delta.total_seconds()


def as_date(value) -> date | None:
    """TruncDate/TruncWeek results as a date (a datetime on some backends)."""
    if value is None or type(value) is date:
        return value
    return value.date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
