"""Keeping the report facts (tickets/models/facts.py) in the transaction of each change.

Every ticket service that changes a ticket goes through changes.lock/touch, which remember
the ticket's state before and append contributions(after) − contributions(before)
(tickets/facts.py) here; set-based changes (the SLA sweep, auto-close) hand over the
states of the rows they changed. The differences are appended as new rows with a plain
multi-row INSERT, not an upsert: an upsert on the row every filing of the day shares would
make each filer wait for the one before it to commit (tests/tickets/services/
test_numbering.py), while appended rows wait for nothing and lose nothing. Readers sum;
tickets/services/fold.py folds the appended rows into one per key every minute.

`TEND_REPORT_FACTS=0` stops the upkeep (bench/facts_filing.py measures what it costs);
the figures are then wrong until `rebuild_report_facts` runs.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from tickets import facts
from tickets.facts import (
    ASSIGNEE,
    CATEGORY,
    DAY,
    HISTOGRAM,
    OPEN,
    TIME,
    Contributions,
    State,
)
from tickets.models import (
    ANY,
    DAY_GRAINS,
    GRAIN_BITS,
    GRAINS,
    DurationHistogram,
    DurationHistogramDay,
    DurationHistogramMonth,
    OpenTicketFact,
    Ticket,
    TicketAssigneeFact,
    TicketCategoryFact,
    TicketDayFact,
    TimeEntry,
    TimeLoggedFact,
)
from tickets.models.facts import DIMENSIONS

BATCH = 200  # rows per statement: well under SQLite's 32,766 parameters
CHAINED_PARAMETERS = 30_000  # Postgres takes at most 65,535 in one statement
REMEMBERED = "_facts_before"


class Table:
    """A fact table: its key (one row per key once folded) and measures, in column order.
    A month rollup (`first` "month") has no `folded` column: it is only ever written
    folded. A current state (`first` None: the open tickets) is keyed by no day."""

    def __init__(self, model, extra: tuple[str, ...], first: str | None = "day"):
        self.model = model
        self.dated = first is not None
        self.keys = (*((first,) if first else ()), *DIMENSIONS[1:], *extra)
        self.appended = any(f.attname == "folded" for f in model._meta.concrete_fields)
        self.measures = tuple(f.attname for f in model._meta.concrete_fields
                              if f.attname not in (*self.keys, "folded")
                              and not f.primary_key)

    def statement(self, rows: list[tuple[tuple, Mapping[str, int]]],
                  folded: bool = False) -> tuple[str, list]:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        flag = ("folded",) if self.appended else ()
        columns = ", ".join(quote(c) for c in (*self.keys, *self.measures, *flag))
        width = len(self.keys) + len(self.measures) + len(flag)
        values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(rows))
        params: list = []
        for key, amounts in rows:
            params += [*key, *(amounts.get(m, 0) for m in self.measures),
                       *((folded,) if self.appended else ())]
        return f"INSERT INTO {table} ({columns}) VALUES {values}", params  # noqa: S608


TABLES = {
    DAY: Table(TicketDayFact, ("source",)),
    CATEGORY: Table(TicketCategoryFact, ("category_id",)),
    ASSIGNEE: Table(TicketAssigneeFact, ("assignee_id",)),
    TIME: Table(TimeLoggedFact, ("source", "user_id")),
    HISTOGRAM: Table(DurationHistogram, ("metric", "bucket")),
    OPEN: Table(OpenTicketFact, ("status", "assignee_id", "category_id"), first=None),
}


class Rollup(Table):
    """The sums of a day table's folded rows per `first` ("month": calendar month, "day")
    and grain (the dimensions a grain drops at their "any" value)."""

    def __init__(self, model, first: str, grains: tuple[int, ...]):
        super().__init__(model, ("grain", "metric", "bucket"), first=first)
        self.first, self.grains = first, grains

    def start(self, day: date) -> date:
        return day.replace(day=1) if self.first == "month" else day


# Rollups of some day tables, kept by the fold (tickets/services/fold.py) and the rebuild:
# a long period's whole months, and the other days at a coarse grain (reports/facts.py).
ROLLUPS = {
    HISTOGRAM: (Rollup(DurationHistogramMonth, "month", GRAINS),
                Rollup(DurationHistogramDay, "day", DAY_GRAINS)),
}


def enabled() -> bool:
    return getattr(settings, "TEND_REPORT_FACTS", True)


def facts_apply(*, changes: Contributions, folded: bool = False) -> None:
    """Append `changes` ({(table, key): {measure: amount}}) as fact rows, in the caller's
    transaction: one statement on Postgres (the INSERTs chained as data-modifying CTEs),
    one per table on SQLite. `folded`: rows of the rebuild or the fold, written even with
    the upkeep turned off."""
    if not changes or not (folded or enabled()):
        return
    grouped: dict[str, list] = defaultdict(list)
    for (table, key), amounts in changes.items():
        grouped[table].append((key, amounts))
    statements = []
    for name, table in TABLES.items():
        rows = sorted(grouped.get(name, ()), key=lambda row: row[0])
        statements.extend(table.statement(rows[start:start + BATCH], folded)
                          for start in range(0, len(rows), BATCH))
    with connection.cursor() as cursor:
        for sql, params in _chained(statements):
            cursor.execute(sql, params)


def facts_rollups_recompute(*, first: date | None = None, last: date | None = None) -> None:
    """Recompute the rollups of the months first…last (first days of months; every month
    when None) from the folded day rows of those months, in the caller's transaction."""
    for name, rollups in ROLLUPS.items():
        days = TABLES[name].model.objects.filter(folded=True)
        if first is not None:
            days = days.filter(day__gte=first)
        if last is not None:
            days = days.filter(day__lt=(last + timedelta(days=32)).replace(day=1))
        for rollup in rollups:
            _recompute(rollup, days, first, last)


def _recompute(rollup: Rollup, days, first: date | None, last: date | None) -> None:
    stale = rollup.model.objects.all()
    if first is not None:
        stale = stale.filter(**{f"{rollup.first}__gte": first})
    if last is not None:
        stale = stale.filter(**{f"{rollup.first}__lt": (last + timedelta(days=32))
                                .replace(day=1)})
    stale.delete()
    rows = []
    start = TruncMonth("day") if rollup.first == "month" else F("day")
    for grain in rollup.grains:
        kept = [d for d, bit in GRAIN_BITS.items() if grain & bit]
        grouped = (days.order_by().annotate(start=start)
                   .values("start", *kept, "metric", "bucket")
                   .annotate(**{m: Sum(m) for m in rollup.measures}))
        rows += [(tuple(grain if k == "grain" else row["start"] if k == rollup.first
                        else row[k] if k in row else ANY[k] for k in rollup.keys),
                  {m: row[m] for m in rollup.measures})
                 for row in grouped if any(row[m] for m in rollup.measures)]
    with connection.cursor() as cursor:
        for begin in range(0, len(rows), BATCH):
            cursor.execute(*rollup.statement(rows[begin:begin + BATCH]))


def _chained(statements: list[tuple[str, list]]) -> list[tuple[str, list]]:
    """On Postgres, statements joined into as few round trips as the parameter limit
    allows (a filing's two INSERTs become one statement)."""
    if connection.vendor != "postgresql":
        return statements
    joined, group, size = [], [], 0
    for statement in statements:
        if group and size + len(statement[1]) > CHAINED_PARAMETERS:
            joined.append(_join(group))
            group, size = [], 0
        group.append(statement)
        size += len(statement[1])
    if group:
        joined.append(_join(group))
    return joined


def _join(group: list[tuple[str, list]]) -> tuple[str, list]:
    if len(group) == 1:
        return group[0]
    parts = [f"f{n} AS ({sql})" for n, (sql, _params) in enumerate(group[:-1])]
    return f"WITH {', '.join(parts)} {group[-1][0]}", [p for _sql, ps in group for p in ps]


def remember(ticket: Ticket) -> None:
    """Note the state of a row just read (changes.lock), to apply the difference later."""
    setattr(ticket, REMEMBERED, facts.state_of(ticket))


def before(ticket: Ticket) -> State | None:
    """The state remembered for `ticket`, or its stored one (read now, before a save)."""
    found = getattr(ticket, REMEMBERED, None)
    if found is not None or ticket.pk is None:
        return found
    row = Ticket.objects.filter(pk=ticket.pk).values(*facts.FIELDS).first()
    return facts.state_from_row(row) if row else None


def facts_ticket_changed(*, ticket: Ticket, previous: State | None) -> None:
    """`ticket` was saved; it was `previous` (None: it is new). Moves its contributions,
    and those of its time entries when the dimensions they are counted by changed."""
    after = facts.state_of(ticket)
    changes = facts.difference(facts.contributions(after), facts.contributions(previous))
    if previous is not None and previous.time_dimensions != after.time_dimensions:
        entries = list(TimeEntry.objects.filter(ticket_id=ticket.pk)
                       .values_list("created_at", "user_id", "minutes"))
        if entries:
            changes = facts.merge(changes, facts.difference(
                facts.time_contributions(after.time_dimensions, entries),
                facts.time_contributions(previous.time_dimensions, entries)))
    facts_apply(changes=changes)
    setattr(ticket, REMEMBERED, after)


def facts_time_logged(*, ticket: Ticket, entry: TimeEntry) -> None:
    state = facts.state_of(ticket)
    facts_apply(changes=facts.time_contributions(
        state.time_dimensions, [(entry.created_at, entry.user_id, entry.minutes)]))


def states(ids: Iterable[int]) -> dict[int, State]:
    """The stored states of some tickets (before or after a set-based change)."""
    return {row["pk"]: facts.state_from_row(row)
            for row in Ticket.objects.filter(pk__in=list(ids)).values("pk", *facts.FIELDS)}


def facts_rows_changed(*, previous: Mapping[int, State], current: Mapping[int, State]) -> None:
    """A set-based change turned each ticket's `previous` state into its `current` one."""
    parts = [facts.difference(facts.contributions(current.get(pk)),
                              facts.contributions(previous.get(pk)))
             for pk in set(previous) | set(current)]
    facts_apply(changes=facts.merge(*parts))
