"""Reading the report facts (tickets/models/facts.py) for the ticket figures.

Counts and sums are exact: a change appends its differences as rows and a fold merges them
every minute, so every read is SUM(...) GROUP BY (never one row per key). Dimension 0 means
"none" and is read back as None. Percentiles come from the summed duration histograms
(tickets.facts.percentile: within 1 % of the exact value, the page marks them "≈"); the
mean is the exact sum of microseconds over the count.

A period's day rows are read with one range scan of the fact's key index (day first).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet, Sum

from reports.sql import Stats
from tickets.facts import percentile
from tickets.models import (
    DurationHistogram,
    Metric,
    TicketAssigneeFact,
    TicketCategoryFact,
    TicketDayFact,
    TimeLoggedFact,
)

DAY, CATEGORY, ASSIGNEE, TIME, HISTOGRAM = (TicketDayFact, TicketCategoryFact,
                                            TicketAssigneeFact, TimeLoggedFact,
                                            DurationHistogram)
# The sum and count columns of TicketDayFact behind each histogram's metric.
METRIC_COLUMNS = {Metric.RESPONSE_WALL: "response_wall", Metric.RESPONSE_BUSINESS:
                  "response_business", Metric.RESOLUTION_WALL: "resolution_wall",
                  Metric.RESOLUTION_BUSINESS: "resolution_business"}
DIMENSION_IDS = ("team_id", "service_id", "category_id", "assignee_id")


def where(filters) -> Q:
    """The report filters over the fact rows' own dimensions."""
    condition = Q()
    if filters.team is not None:
        condition &= Q(team_id=filters.team.pk)
    if filters.service is not None:
        condition &= Q(service_id=filters.service.pk)
    if filters.kind:
        condition &= Q(kind=filters.kind)
    if filters.priority:
        condition &= Q(priority=filters.priority)
    return condition


def rows(model, filters, first: date, last: date | None = None) -> QuerySet:
    """The fact rows of the days first…last (both included; no end when last is None)."""
    found = model.objects.filter(where(filters), day__gte=first)
    if last is not None:
        found = found.filter(day__lte=last)
    return found.order_by()


def sums(queryset: QuerySet, group: Iterable, measures: dict) -> list[dict]:
    """SUM of each measure (name -> column or expression) per group; groups whose sums are
    all zero (appended rows that cancelled out) are left out, as the heap had no row."""
    group = list(group)
    aggregates = {f"s_{name}": measure if getattr(measure, "contains_aggregate", False)
                  else Sum(measure) for name, measure in measures.items()}
    found = []
    grouped = (queryset.values(*group).annotate(**aggregates) if group
               else [queryset.aggregate(**aggregates)])
    for row in grouped:
        values = {name: row[f"s_{name}"] or 0 for name in measures}
        if any(values.values()):
            found.append({**{key: _none(key, row[key]) for key in group}, **values})
    return found


def _none(key: str, value):
    return None if key in DIMENSION_IDS and value == 0 else value


def histograms(queryset: QuerySet, group: Iterable, metrics: Iterable[int]) -> dict:
    """{group values (tuple): {metric: {bucket: n}}} from the histogram rows."""
    group = list(group)
    found: dict = defaultdict(lambda: defaultdict(dict))
    for row in (queryset.filter(metric__in=list(metrics))
                .values(*group, "metric", "bucket").annotate(s_n=Sum("n")).order_by()):
        if row["s_n"]:
            key = tuple(_none(g, row[g]) for g in group)
            found[key][row["metric"]][row["bucket"]] = row["s_n"]
    return found


def add_counts(into: dict, counts: dict) -> dict:
    for bucket, n in counts.items():
        into[bucket] = into.get(bucket, 0) + n
    return into


def stats(n: int, micros: int, counts: dict | None) -> Stats:
    """Count and exact mean from the day facts, median and p90 from the histogram."""
    if not n:
        return Stats()
    counts = counts or {}
    return Stats(n, micros / n / 1_000_000, percentile(counts, 0.5), percentile(counts, 0.9))


def duration_measures(metrics: Iterable[int]) -> dict:
    """The TicketDayFact count and µs-sum columns of each metric, for `sums`."""
    found = {}
    for metric in metrics:
        column = METRIC_COLUMNS[metric]
        found[f"{column}_n"] = f"{column}_n"
        found[f"{column}_us"] = f"{column}_us"
    return found


def metric_stats(row: dict, counts: dict, metric: int) -> Stats:
    column = METRIC_COLUMNS[metric]
    return stats(row.get(f"{column}_n", 0), row.get(f"{column}_us", 0), counts.get(metric))
