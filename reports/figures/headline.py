"""One read of each ticket population for the headline figures of every report.

The dashboard shows a dozen ticket figures for two periods. Asked report by report, the
tickets resolved since the previous period began would be read four times (SLA, times,
volume, satisfaction). Instead each report declares what it needs from each population
(`Needs`), `gather` reads each population once, grouped by span (before the period, in
it, after it), and each report turns the rows into its figures (`from_rows`).

Populations, from the start of the previous period until now:
  resolved   status resolved or closed, by resolved_at
  created    every ticket, by created_at
  cancelled  status cancelled, by updated_at (its cancellation, see common.open_at)
  open       open now, by assignee (no span: a current state)
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Value, When

from reports.figures import common
from reports.sql import Stats, duration_stats, is_postgres
from tickets.models import OPEN_STATUSES, Status

RESOLVED, CREATED, CANCELLED = "resolved", "created", "cancelled"
BEFORE, NOW, AFTER = 0, 1, 2  # spans: previous period, this period, after its end
FIELDS = {RESOLVED: "resolved_at", CREATED: "created_at", CANCELLED: "updated_at"}


@dataclass
class Needs:
    # population -> {name: aggregate}; names are prefixed by the report to stay apart.
    aggregates: dict[str, dict] = field(default_factory=dict)
    # population -> {name: (seconds expression, condition)}: mean, median, 90th percentile
    durations: dict[str, dict] = field(default_factory=dict)
    open_by_assignee: bool = False


@dataclass
class Found:
    spans: dict[str, dict[int, dict]]  # population -> span -> {name: value or Stats}
    open_by_assignee: dict[int | None, int]

    def get(self, population: str, span: int, name: str, default=0):
        return self.spans.get(population, {}).get(span, {}).get(name, default)

    def total(self, population: str, name: str, spans=(NOW, AFTER)):
        return sum(self.get(population, s, name) or 0 for s in spans)

    def stats(self, population: str, span: int, name: str) -> Stats:
        return self.get(population, span, name, Stats())


def _population(name: str, filters, previous, current):
    base = common.tickets(filters)
    if name == RESOLVED:
        rows = base.filter(status__in=common.DONE_WITH_RESOLUTION)
    elif name == CANCELLED:
        rows = base.filter(status=Status.CANCELLED)
    else:
        rows = base
    moment = FIELDS[name]
    span = Case(When(**{f"{moment}__lt": current.start}, then=Value(BEFORE)),
                When(**{f"{moment}__lt": current.end}, then=Value(NOW)),
                default=Value(AFTER), output_field=IntegerField())
    return rows.filter(**{f"{moment}__gte": previous.start}).annotate(span=span)


def gather(needs: list[Needs], filters, previous, current) -> Found:
    """Read each population the reports need once, grouped by span."""
    aggregates: dict = defaultdict(dict)
    durations: dict = defaultdict(dict)
    for need in needs:
        for population, wanted in need.aggregates.items():
            aggregates[population].update(wanted)
        for population, wanted in need.durations.items():
            durations[population].update(wanted)
    spans: dict = {}
    for population in sorted(set(aggregates) | set(durations)):
        rows = _population(population, filters, previous, current)
        found: dict = defaultdict(dict)
        wanted = dict(aggregates[population])
        if durations[population] and is_postgres():
            # Percentiles in the same grouped query (percentile_cont with FILTER).
            for span, stats in duration_stats(rows, "span", durations[population],
                                              extra=wanted).items():
                found[span].update(stats)
        else:
            if wanted:
                for row in rows.order_by().values("span").annotate(**wanted):
                    found[row.pop("span")].update(row)
            if durations[population]:
                for span, stats in duration_stats(rows, "span",
                                                  durations[population]).items():
                    found[span].update(stats)
        spans[population] = dict(found)
    held: dict = {}
    if any(need.open_by_assignee for need in needs):
        held = dict(common.tickets(filters).filter(status__in=OPEN_STATUSES).order_by()
                    .values("assignee_id").annotate(n=Count("pk"))
                    .values_list("assignee_id", "n"))
    return Found(spans, held)
