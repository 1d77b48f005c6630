"""One read of each ticket population for the headline figures of every report.

The dashboard shows a dozen ticket figures for two periods, each with its trend over the
period. Asked report by report, the tickets resolved since the previous period began
would be read four times (SLA, times, volume, satisfaction). Instead each report declares
what it needs from each population (`Needs`), `gather` reads each population once,
grouped by slot (the previous period, each bucket of this one, after it: reports.buckets),
and each report turns the rows into its figures and their series (`from_found`).

Populations, from the start of the previous period until now:
  resolved   status resolved or closed, by resolved_at
  created    every ticket, by created_at
  cancelled  status cancelled, by updated_at (its cancellation, see common.open_at)
  open       open now, by assignee (no span: a current state)

Aggregates must add up (counts and sums): a span's value is the sum of its slots. A
median does not add up, so on Postgres the grouped query is joined (UNION ALL) by one
more group, the whole period, in the same statement; on SQLite the durations are read
into Python anyway and pooled there.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, IntegerField, Value
from django.utils import timezone

from reports import buckets as b
from reports.figures import common
from reports.sql import (
    Stats,
    duration_aggregates,
    duration_values,
    is_postgres,
    row_stats,
    summarize,
)
from tickets.models import OPEN_STATUSES, Status

RESOLVED, CREATED, CANCELLED = "resolved", "created", "cancelled"
BEFORE, NOW, AFTER = 0, 1, 2  # spans: previous period, this period, after its end
FIELDS = {RESOLVED: "resolved_at", CREATED: "created_at", CANCELLED: "updated_at"}
PERIOD_SLOT = -2  # the Postgres group of every row in the period (for its percentiles)


@dataclass
class Needs:
    # population -> {name: aggregate}; names are prefixed by the report to stay apart.
    aggregates: dict[str, dict] = field(default_factory=dict)
    # population -> {name: (seconds expression, condition)}: mean, median, 90th percentile
    durations: dict[str, dict] = field(default_factory=dict)
    open_by_assignee: bool = False


@dataclass
class Found:
    slots: dict[str, dict[int, dict]]  # population -> slot -> {name: value or Stats}
    period: dict[str, dict]  # population -> {name: Stats} over the whole period
    open_by_assignee: dict[int | None, int]
    buckets: list[b.Bucket] = field(default_factory=list)
    now: datetime | None = None

    def _slots(self, span: int) -> range:
        n = len(self.buckets)
        return {BEFORE: range(b.BEFORE_SLOT, 0), NOW: range(n), AFTER: range(n, n + 1)}[span]

    def get(self, population: str, span: int, name: str, default=0):
        found = self.slots.get(population, {})
        values = [found[s][name] for s in self._slots(span)
                  if s in found and found[s].get(name) is not None]
        return sum(values) if values else default

    def total(self, population: str, name: str, spans=(NOW, AFTER)):
        return sum(self.get(population, s, name) or 0 for s in spans)

    def stats(self, population: str, span: int, name: str) -> Stats:
        if span == NOW:
            return self.period.get(population, {}).get(name, Stats())
        slot = self._slots(span)[0]
        return self.slots.get(population, {}).get(slot, {}).get(name, Stats())

    def series(self, population: str, name: str, default=0) -> list:
        """The value in each bucket of the period."""
        found = self.slots.get(population, {})
        return [found.get(s, {}).get(name, default) for s in range(len(self.buckets))]

    def stats_series(self, population: str, name: str) -> list[Stats]:
        return self.series(population, name, Stats())

    def observed(self, values: list) -> list:
        """None for buckets not begun yet: nothing is known of them."""
        return b.observed(values, self.buckets, self.now or timezone.now())


def _population(name: str, filters, previous, current, buckets):
    base = common.tickets(filters)
    if name == RESOLVED:
        rows = base.filter(status__in=common.DONE_WITH_RESOLUTION)
    elif name == CANCELLED:
        rows = base.filter(status=Status.CANCELLED)
    else:
        rows = base
    moment = FIELDS[name]
    return (rows.filter(**{f"{moment}__gte": previous.start})
            .annotate(slot=b.slot(moment, current, buckets)))


def _read(rows, wanted: dict, durations: dict, current, moment: str, n: int):
    """(slot -> {name: value or Stats}, {name: Stats} over the period) of one population."""
    slots: dict = defaultdict(dict)
    period: dict = {}
    if durations and is_postgres():
        aggregates = {**wanted, **duration_aggregates(durations)}
        by_slot = rows.order_by().values("slot").annotate(**aggregates)
        # The period's group needs only the durations: its counts are the slots' sum.
        blanks = {name: Value(None, output_field=IntegerField()) for name in wanted}
        whole = (rows.filter(**{f"{moment}__gte": current.start, f"{moment}__lt": current.end})
                 .order_by().annotate(part=Value(PERIOD_SLOT, output_field=IntegerField()))
                 .values("part").annotate(**blanks, **duration_aggregates(durations)))
        for row in by_slot.union(whole, all=True):
            # A union's rows carry the first query's names.
            stats = row_stats(row, durations)
            if row["slot"] == PERIOD_SLOT:
                period = stats
            else:
                slots[row["slot"]].update({name: row[name] for name in wanted}, **stats)
        return slots, period
    if wanted:
        for row in rows.order_by().values("slot").annotate(**wanted):
            slots[row.pop("slot")].update(row)
    if durations:
        pooled: dict = defaultdict(list)
        for slot, values in duration_values(rows, "slot", durations).items():
            slots[slot].update({name: summarize(values.get(name, [])) for name in durations})
            if 0 <= slot < n:
                for name in durations:
                    pooled[name].extend(values.get(name, []))
        period = {name: summarize(pooled[name]) for name in durations}
    return slots, period


def gather(needs: list[Needs], filters, previous, current, now=None) -> Found:
    """Read each population the reports need once, grouped by slot."""
    aggregates: dict = defaultdict(dict)
    durations: dict = defaultdict(dict)
    for need in needs:
        for population, wanted in need.aggregates.items():
            aggregates[population].update(wanted)
        for population, wanted in need.durations.items():
            durations[population].update(wanted)
    buckets = b.of(current)
    slots: dict = {}
    period: dict = {}
    for population in sorted(set(aggregates) | set(durations)):
        rows = _population(population, filters, previous, current, buckets)
        slots[population], period[population] = _read(
            rows, dict(aggregates[population]), durations[population], current,
            FIELDS[population], len(buckets))
    held: dict = {}
    if any(need.open_by_assignee for need in needs):
        held = dict(common.tickets(filters).filter(status__in=OPEN_STATUSES).order_by()
                    .values("assignee_id").annotate(n=Count("pk"))
                    .values_list("assignee_id", "n"))
    return Found(slots, period, held, buckets, now)
