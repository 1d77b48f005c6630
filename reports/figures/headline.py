"""One read of the report facts for the headline figures of every report.

The dashboard shows a dozen ticket figures for two periods, each with its trend over the
period. Each report declares what it needs (`Needs`): sums over the day facts
(tickets/models/facts.py) and duration metrics; `gather` reads the day facts once and the
duration histograms once, grouped by slot (the previous period, each bucket of this one,
after it: reports.buckets), and each report turns the rows into its figures and their
series (`from_found`).

Populations name the moment a measure counts on (each fact measure is kept on its own
moment's day, so one read serves them all):
  resolved   status resolved or closed, by resolved_at
  created    every ticket, by created_at
  cancelled  status cancelled, by updated_at (its cancellation, see common.open_at)
  open       open now, by assignee (no span: the maintained open counts, OpenTicketFact)

Counts and sums add up: a span's value is the sum of its slots. A median does not, but
histograms do: the period's median is read from its slots' buckets added up.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from reports import buckets as b
from reports import facts as f
from reports.sql import Stats

RESOLVED, CREATED, CANCELLED = "resolved", "created", "cancelled"
BEFORE, NOW, AFTER = 0, 1, 2  # spans: previous period, this period, after its end


@dataclass
class Needs:
    # population -> {name: a TicketDayFact column or Sum-able expression}; names are
    # prefixed by the report to stay apart.
    aggregates: dict[str, dict] = field(default_factory=dict)
    # population -> {name: Metric}: count, mean, median, 90th percentile
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


def _cuts(current, buckets: list[b.Bucket]) -> list:
    """The first day of each slot after the first."""
    found = [current.first_day, *(bucket.first_day for bucket in buckets)]
    if buckets:
        found.append(buckets[-1].last_day + timedelta(days=1))
    return found


def gather(needs: list[Needs], filters, previous, current, now=None) -> Found:
    """Read the day facts once and the histograms once, grouped by slot."""
    owner: dict = {}  # name -> population
    measures: dict = {}
    metrics: dict = {}  # name -> (population, metric)
    for need in needs:
        for population, wanted in need.aggregates.items():
            measures.update(wanted)
            owner.update(dict.fromkeys(wanted, population))
        for population, wanted in need.durations.items():
            metrics.update({name: (population, metric) for name, metric in wanted.items()})
    buckets = b.of(current)
    n = len(buckets)
    wanted_metrics = sorted({metric for _p, metric in metrics.values()})
    slots: dict = defaultdict(lambda: defaultdict(dict))
    period: dict = defaultdict(dict)
    if measures or metrics:
        days = (f.rows(f.DAY, filters, previous.first_day)
                .annotate(slot=b.day_slot(current, buckets)))
        found = {row["slot"]: row for row in f.sums(
            days, ["slot"], {**measures, **f.duration_measures(wanted_metrics)})}
        counts: dict = {}
        if metrics:
            counts = f.histograms(
                f.span(f.HISTOGRAM, filters, previous.first_day, cuts=_cuts(current, buckets)),
                ["slot"], wanted_metrics,
                by=lambda field: {"slot": b.day_slot(current, buckets, field)})
        pooled_row: dict = defaultdict(int)
        pooled: dict = defaultdict(dict)
        for slot, row in found.items():
            for name, population in owner.items():
                slots[population][slot][name] = row[name]
            slot_counts = counts.get((slot,), {})
            for name, (population, metric) in metrics.items():
                slots[population][slot][name] = f.metric_stats(row, slot_counts, metric)
            if 0 <= slot < n:
                for key, value in row.items():
                    if key.endswith(("_n", "_us")):
                        pooled_row[key] += value
                for metric, bucket_counts in slot_counts.items():
                    f.add_counts(pooled[metric], bucket_counts)
        for name, (population, metric) in metrics.items():
            period[population][name] = f.metric_stats(pooled_row, pooled, metric)
    held: dict = {}
    if any(need.open_by_assignee for need in needs):
        held = f.open_by_assignee(filters)
    return Found({p: dict(v) for p, v in slots.items()}, dict(period), held, buckets, now)
