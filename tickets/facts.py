"""What one ticket contributes to the report facts (tickets/models/facts.py), as a pure
function of its stored state; the duration histogram's buckets and the percentile read
back from them. Nothing here writes: tickets/services/facts.py applies the differences.

A change to a ticket applies contributions(after) − contributions(before), so every
service that changes a ticket keeps the facts right without knowing which figures it
moves; `rebuild_report_facts` computes the same sums with SQL from the tickets, and the
property test (tests/tickets/services/test_facts_property.py) holds the two together.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta

from django.utils import timezone

from tickets.models import OPEN_STATUSES, Metric, Status

# Buckets: bucket b holds durations in [R**b, R**(b+1)) seconds and reads back as
# R**(b + 0.5), at most sqrt(1.02) − 1 = 0.995 % from any value in it. From a second to a
# year that is ~870 buckets; zero (or a negative clock skew) has a bucket of its own.
RATIO = 1.02
LOG_RATIO = math.log(RATIO)
ZERO_BUCKET = -1000
MICROS = timedelta(microseconds=1)

DAY, CATEGORY, ASSIGNEE, TIME, HISTOGRAM = "day", "category", "assignee", "time", "histogram"
OPEN = "open"  # OpenTicketFact: a current state, keyed by no day
DONE_WITH_RESOLUTION = (Status.RESOLVED, Status.CLOSED)


@dataclass(frozen=True, slots=True)
class State:
    """The stored fields of a ticket that its contributions depend on."""

    status: str
    kind: str
    priority: int
    source: str
    team_id: int | None
    service_id: int | None
    category_id: int | None
    assignee_id: int | None
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    reopen_count: int
    rating: int | None
    response_breached: bool | None
    resolution_breached: bool | None
    response_breached_at: datetime | None
    resolution_breached_at: datetime | None
    response_target: timedelta | None
    resolution_target: timedelta | None
    response_used: timedelta
    resolution_used: timedelta

    def moved(self, **changes) -> "State":
        return replace(self, **changes)

    @property
    def time_dimensions(self) -> tuple:
        """What time logged on the ticket is counted by (TimeLoggedFact)."""
        return (self.team_id or 0, self.service_id or 0, self.kind, self.priority,
                self.source)


FIELDS = tuple(f.name for f in fields(State))


def state_of(ticket) -> State:
    """The state of a Ticket instance (as saved: call after save, or on a fresh row)."""
    return State(*(getattr(ticket, name) for name in FIELDS))


def state_from_row(row: Mapping) -> State:
    return State(**{name: row[name] for name in FIELDS})


def local_day(moment: datetime) -> date:
    """The day reports count `moment` in: the site's time zone (reports.params.day_start)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def micros(delta: timedelta) -> int:
    return delta // MICROS


def bucket(us: int) -> int:
    """The histogram bucket of a duration in microseconds. The SQL of the rebuild
    (tickets/services/facts.py) computes the same floats in the same order."""
    if us <= 0:
        return ZERO_BUCKET
    return math.floor(math.log(us / 1_000_000) / LOG_RATIO)


def bucket_value(index: int) -> float:
    """The seconds a bucket reads back as: the geometric middle of its bounds."""
    if index == ZERO_BUCKET:
        return 0.0
    return math.exp((index + 0.5) * LOG_RATIO)


def percentile(counts: Mapping[int, int], fraction: float) -> float | None:
    """percentile_cont(fraction) of the durations counted in `counts` (bucket -> n), each
    duration read as its bucket's value: within 1 % of the exact percentile."""
    ordered = sorted((b, n) for b, n in counts.items() if n > 0)
    total = sum(n for _b, n in ordered)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)

    def at(rank: int) -> float:
        seen = 0
        for index, n in ordered:
            seen += n
            if rank < seen:
                return bucket_value(index)
        return bucket_value(ordered[-1][0])

    low_value, high_value = at(low), at(high)
    return low_value + (high_value - low_value) * (position - low)


Contributions = dict[tuple, dict[str, int]]


def _dims(state: State, day: date) -> tuple:
    return (day, state.team_id or 0, state.service_id or 0, state.kind, state.priority)


def open_key(state: State) -> tuple:
    """OpenTicketFact's key of an open ticket."""
    return (state.team_id or 0, state.service_id or 0, state.kind, state.priority,
            state.status, state.assignee_id or 0, state.category_id or 0)


def contributions(state: State | None) -> Contributions:
    """{(table, key): {measure: amount}} of one ticket's own row (not its time entries)."""
    found: Contributions = defaultdict(lambda: defaultdict(int))
    if state is None:
        return found

    def add(table: str, key: tuple, **amounts) -> None:
        row = found[(table, key)]
        for name, amount in amounts.items():
            row[name] += amount

    def day_fact(moment: datetime, **amounts) -> None:
        add(DAY, (*_dims(state, local_day(moment)), state.source), **amounts)

    if state.status in OPEN_STATUSES:
        add(OPEN, open_key(state), n=1)
    created = local_day(state.created_at)
    day_fact(state.created_at, created=1)
    add(CATEGORY, (*_dims(state, created), state.category_id or 0), created=1)
    if state.first_response_at is not None:
        day_fact(state.first_response_at, responded=1)
    if state.status == Status.CLOSED and state.closed_at is not None:
        day_fact(state.closed_at, closed=1)
    if state.status == Status.CANCELLED:
        day_fact(state.updated_at, cancelled=1)
    if state.response_breached_at is not None:
        day_fact(state.response_breached_at, response_breaches=1)
    if state.resolution_breached_at is not None:
        day_fact(state.resolution_breached_at, resolution_breaches=1)
    if state.status in DONE_WITH_RESOLUTION and state.resolved_at is not None:
        _resolved(state, add, day_fact)
    return found


def _resolved(state: State, add, day_fact) -> None:
    """What a resolved (or closed) ticket adds on its resolution day."""
    day = local_day(state.resolved_at)
    amounts = {"resolved": 1, "reopened": int(state.reopen_count > 0),
               "response_counted": int(state.response_breached is not None),
               "response_met": int(state.response_breached is False),
               "resolution_counted": int(state.resolution_breached is not None),
               "resolution_met": int(state.resolution_breached is False)}
    if state.rating:
        amounts[f"rated_{state.rating}"] = 1
    durations = []
    if state.first_response_at is not None:
        durations.append(("response_wall", Metric.RESPONSE_WALL,
                          micros(state.first_response_at - state.created_at)))
        if state.response_target is not None:
            durations.append(("response_business", Metric.RESPONSE_BUSINESS,
                              micros(state.response_used)))
    durations.append(("resolution_wall", Metric.RESOLUTION_WALL,
                      micros(state.resolved_at - state.created_at)))
    if state.resolution_target is not None:
        durations.append(("resolution_business", Metric.RESOLUTION_BUSINESS,
                          micros(state.resolution_used)))
    for name, metric, us in durations:
        amounts[f"{name}_n"] = 1
        amounts[f"{name}_us"] = us
        add(HISTOGRAM, (*_dims(state, day), int(metric), bucket(us)), n=1)
    day_fact(state.resolved_at, **amounts)
    add(ASSIGNEE, (*_dims(state, day), state.assignee_id or 0), resolved=1)


def time_contributions(dimensions: tuple, entries: Iterable[tuple]) -> Contributions:
    """What time entries (created_at, user_id, minutes) add, for a ticket whose
    `State.time_dimensions` are `dimensions`."""
    found: Contributions = defaultdict(lambda: defaultdict(int))
    team_id, service_id, kind, priority, source = dimensions
    for created_at, user_id, minutes in entries:
        row = found[(TIME, (local_day(created_at), team_id, service_id, kind, priority,
                            source, user_id))]
        row["minutes"] += minutes
        row["entries"] += 1
    return found


def difference(after: Contributions, before: Contributions) -> Contributions:
    """after − before, leaving out what did not change."""
    found: Contributions = {}
    for target in set(after) | set(before):
        new, old = after.get(target, {}), before.get(target, {})
        delta = {name: new.get(name, 0) - old.get(name, 0) for name in set(new) | set(old)}
        delta = {name: amount for name, amount in delta.items() if amount}
        if delta:
            found[target] = delta
    return found


def merge(*parts: Contributions) -> Contributions:
    found: Contributions = defaultdict(lambda: defaultdict(int))
    for part in parts:
        for target, amounts in part.items():
            for name, amount in amounts.items():
                found[target][name] += amount
    return found
