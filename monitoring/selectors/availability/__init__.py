"""Availability and downtime of checks and services over any range: the one implementation.

Monitoring's pages and API and the reports all read it here, with these definitions:
- A check is *down* while its state is down; *monitored* while its state is up,
  degraded, pending or down (not while paused, unknown, or before it existed).
- Down time inside a maintenance window covering the check is *planned*, the rest
  *unplanned*. A window covers the services it lists, the assets it lists and the
  assets of the services it lists.
- Availability = 1 - unplanned down / monitored.
- A service is down while any of its checks is down, monitored while any is.
- A check's `outages` (pages, API) are those that began in the range; a service's, and
  the report's, count the down stretches overlapping it (one going on at its start too).

On PostgreSQL the figures come from one SQL statement over range types (postgres.py);
elsewhere from exact intervals in Python (intervals.py), and tests check both agree.
The day bars of the board and the status page need the intervals themselves, so
`check_timelines`, `service_timelines` and `per_day` always use intervals.py: they are
asked for one page of checks or the active services, not a whole estate.
"""

from datetime import datetime

from django.db import connection

from monitoring.selectors.availability import intervals, postgres
from monitoring.selectors.availability.figures import (
    Availability,
    Downtime,
    Outage,
    Span,
    rank,
)
from monitoring.selectors.availability.intervals import (  # noqa: F401
    check_timelines,
    intersect,
    length,
    per_day,
    service_timelines,
    timeline,
    union,
    window_index,
)

__all__ = ["Availability", "Downtime", "Outage", "Span", "check_availability", "downtime",
           "downtime_parts", "downtime_totals", "rank", "service_availability"]


def _engine():
    return postgres if connection.vendor == "postgresql" else intervals


def downtime(start: datetime, end: datetime, *, check_ids=None, service_ids=None,
             service_id: int | None = None, team_id: int | None = None,
             longest: int = 20, worst: int | None = None) -> Downtime:
    """Figures of the chosen checks (all by default; with `worst`, only that many of them
    as `figures.rank` orders them, and `total` says how many were chosen) and of their
    services over [start, end), and the `longest` outages, longest first."""
    if end <= start:
        return Downtime({}, {}, [])
    return _engine().collect(start, end, check_ids=check_ids, service_ids=service_ids,
                             service_id=service_id, team_id=team_id, longest=longest,
                             worst=worst)


def downtime_totals(start: datetime, split: datetime, end: datetime, *,
                    service_id: int | None = None, team_id: int | None = None
                    ) -> tuple[Span, Span]:
    """All services together over [start, split) and [split, end), from one read."""
    before, after = downtime_parts([(start, split), (split, end)], service_id=service_id,
                                   team_id=team_id)
    return before, after


def downtime_parts(parts: list[tuple[datetime, datetime]], *, service_id: int | None = None,
                   team_id: int | None = None) -> list[Span]:
    """All services together over each [start, end) of `parts` (which may overlap, or be
    empty), from one read: a dashboard trend asks for a period and each of its days."""
    parts = [(a, max(a, b)) for a, b in parts]
    if not parts or max(b for _a, b in parts) <= min(a for a, _b in parts):
        return [Span() for _ in parts]
    return _engine().totals(parts, service_id=service_id, team_id=team_id)


def check_availability(check_ids, start: datetime, end: datetime) -> dict[int, Availability]:
    """Availability of each check over [start, end)."""
    found = downtime(start, end, check_ids=list(check_ids), longest=0)
    return {pk: Availability.of(span, start, end, outages=span.began)
            for pk, span in found.checks.items()}


def service_availability(service_ids, start: datetime, end: datetime
                         ) -> dict[int, Availability]:
    """Availability of each service over [start, end): down while any of its checks is."""
    service_ids = list(service_ids)
    found = downtime(start, end, service_ids=service_ids, longest=0)
    return {sid: Availability.of(span, start, end, outages=span.outages)
            for sid, span in ((sid, found.services.get(sid, Span())) for sid in service_ids)}
