"""Reading the report facts (tickets/models/facts.py) for the ticket figures.

Counts and sums are exact: a change appends its differences as rows and a fold merges them
every minute, so every read is SUM(...) GROUP BY (never one row per key). Dimension 0 means
"none" and is read back as None. Percentiles come from the summed duration histograms
(tickets.facts.percentile: within 1 % of the exact value, the page marks them "≈"); the
mean is the exact sum of microseconds over the count.

A period's day rows are read with one range scan of the fact's key index (day first). A
fact with rollups (MONTHS, DAYS: the duration histograms) is read as a `Span`: the
calendar months wholly inside the period (and inside one slot of a trend) from the month
rows, the other days from the day rollup at the smallest grain that keeps the filters, the
rows appended since the last fold from the day rows, in one statement (UNION ALL) whose
sums equal the day rows' alone (tests/reports/test_facts_span).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connections
from django.db.models import Q, QuerySet, Sum

from reports.sql import Stats
from tickets.facts import percentile
from tickets.models import (
    ANY,
    DAY_GRAINS,
    GRAIN_BITS,
    GRAINS,
    DurationHistogram,
    DurationHistogramDay,
    DurationHistogramMonth,
    Metric,
    OpenTicketFact,
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
# Day facts with rollups (tickets/models/facts.py: the sums of the folded day rows) per
# month, and per day at the coarse grains.
MONTHS = {DurationHistogram: DurationHistogramMonth}
DAYS = {DurationHistogram: DurationHistogramDay}


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


@dataclass
class Span:
    """A period's fact rows in parts: `months` (month rows of whole months, of one grain,
    or None), `grained` (day rollup rows of the other days at that grain, a read per
    stretch of days; none when the grain is all four dimensions: the day table itself)
    and `days` (day rows: of the days neither covers, and of the others the rows not
    folded yet). `grain`: the dimensions the rollup rows keep (GRAIN_BITS)."""

    days: QuerySet
    months: QuerySet | None = None
    grain: int = 15
    grained: list[QuerySet] = field(default_factory=list)


def grain_for(filters, group: Iterable[str] = ()) -> int:
    """The smallest month grain that keeps every dimension filtered or grouped by."""
    used = {name for name, on in (("team_id", filters.team is not None),
                                  ("service_id", filters.service is not None),
                                  ("kind", bool(filters.kind)),
                                  ("priority", bool(filters.priority))) if on}
    needed = 0
    for name in {*used, *group} & set(GRAIN_BITS):
        needed |= GRAIN_BITS[name]
    return min((g for g in GRAINS if g & needed == needed), key=lambda g: bin(g).count("1"))


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def whole_months(first: date, last: date | None, cuts: Iterable[date] = ()) -> list:
    """[(first day, last day)] of the runs of calendar months wholly inside first…last that
    no cut (the first day of a slot the rows are grouped in) falls inside. With no `last`,
    up to the day before the last cut (what follows is read from the day rows)."""
    cuts = sorted(set(cuts))
    if last is None:
        if not cuts:
            return []
        last = cuts[-1] - timedelta(days=1)
    runs: list = []
    month = first if first.day == 1 else _next_month(first)
    while _next_month(month) - timedelta(days=1) <= last:
        end = _next_month(month)
        if not any(month < cut < end for cut in cuts):
            if runs and runs[-1][1] + timedelta(days=1) == month:
                runs[-1] = (runs[-1][0], end - timedelta(days=1))
            else:
                runs.append((month, end - timedelta(days=1)))
        month = end
    return runs


def dropped(grain: int) -> Q:
    """The "any" values of the dimensions a rollup grain drops: said outright, a read is one
    range of the rollup's key index (grain, the four dimensions, then the day or month)."""
    return Q(**{name: ANY[name] for name, bit in GRAIN_BITS.items() if not grain & bit})


def span(model, filters, first: date, last: date | None = None, cuts: Iterable[date] = (),
         group: Iterable[str] = ()) -> Span | QuerySet:
    """The rows of first…last (no end when last is None), whole months from the month
    rollup and the other days from the day rollup when `model` has them; `cuts`: the slot
    boundaries a month must not straddle; `group`: the dimensions the rows will be grouped
    by (the grain must keep them)."""
    days = rows(model, filters, first, last)
    months, by_day = MONTHS.get(model), DAYS.get(model)
    grain = grain_for(filters, group)
    runs = whole_months(first, last, cuts) if months is not None else []
    coarse = by_day is not None and grain in DAY_GRAINS
    if not runs and not coarse:
        return days
    others, ranges, start = Q(), [], first  # the days outside the whole months
    for low, high in runs:
        if start < low:
            others |= Q(day__gte=start, day__lt=low)
            ranges.append((start, low - timedelta(days=1)))
        start = high + timedelta(days=1)
    others |= Q(day__gte=start)  # `days` already ends at `last`
    ranges.append((start, last))
    whole = Q()
    for low, high in runs:
        whole |= Q(month__gte=low, month__lte=high)
    month_rows = (months.objects.filter(where(filters), whole, dropped(grain), grain=grain)
                  .order_by() if runs else None)
    if coarse:
        # The rollups hold every folded row; the day table adds what is not folded yet.
        # One read per stretch of days: each a range of the key index (an OR of ranges
        # would be a filter over every day in between).
        grained = [rows(by_day, filters, low, high).filter(dropped(grain), grain=grain)
                   for low, high in ranges if high is None or low <= high]
        return Span(days.filter(folded=False), month_rows, grain, grained)
    inside = Q()
    for low, high in runs:
        inside |= Q(folded=False, day__gte=low, day__lte=high)
    return Span(days.filter(others | inside), month_rows, grain)


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


def _tuples(read: QuerySet, names: list[str]) -> list[tuple]:
    """The rows of a grouped read as plain tuples in the order of `names`: a year's histogram
    is ~10,000 groups, and building a dict per row through the ORM cost more than the SQL."""
    sql, params = read.query.sql_with_params()
    columns = ", ".join(connections[read.db].ops.quote_name(name) for name in names)
    with connections[read.db].cursor() as cursor:
        # The statement is the ORM's own, its columns named from `names` (code, not input).
        cursor.execute(f"SELECT {columns} FROM ({sql}) AS grouped", params)  # noqa: S608
        return cursor.fetchall()


def histograms(found_rows: QuerySet | Span, group: Iterable, metrics: Iterable[int],
               by: Callable[[str], dict] | None = None) -> dict:
    """{group values (tuple): {metric: {bucket: n}}} from the histogram rows (day rows, or a
    Span: its month and day rows in one statement, added up). `by(field)`: annotations to
    group by, over the rows' day field ("day" or "month")."""
    group, metrics = list(group), list(metrics)

    def grouped(queryset: QuerySet, field: str) -> QuerySet:
        if by is not None:
            queryset = queryset.annotate(**by(field))
        return (queryset.filter(metric__in=metrics).values(*group, "metric", "bucket")
                .annotate(s_n=Sum("n")).order_by())

    if isinstance(found_rows, Span):
        for name in set(group) & set(GRAIN_BITS):
            if not found_rows.grain & GRAIN_BITS[name]:
                raise ValueError(f"the span's month rows do not keep {name}: pass group=")
        read = grouped(found_rows.days, "day")
        if found_rows.months is not None:
            read = read.union(grouped(found_rows.months, "month"), all=True)
        for part in found_rows.grained:
            read = read.union(grouped(part, "day"), all=True)
    else:
        read = grouped(found_rows, "day")
    found: dict = defaultdict(lambda: defaultdict(dict))
    ids = [i for i, g in enumerate(group) if g in DIMENSION_IDS]
    for *key, metric, bucket, n in _tuples(read, [*group, "metric", "bucket", "s_n"]):
        for i in ids:
            key[i] = key[i] or None  # dimension 0: none
        counts = found[tuple(key)][metric]
        counts[bucket] = counts.get(bucket, 0) + (n or 0)
    for key in list(found):  # buckets (and metrics, groups) whose appended rows cancelled
        for metric in list(found[key]):
            found[key][metric] = {b: n for b, n in found[key][metric].items() if n}
            if not found[key][metric]:
                del found[key][metric]
        if not found[key]:
            del found[key]
    return found


def open_by_assignee(filters) -> dict[int | None, int]:
    """Tickets open now per assignee (None: unassigned), summed from the maintained open
    counts (OpenTicketFact: a few rows per person, not an index entry per open ticket)."""
    rows = (OpenTicketFact.objects.filter(where(filters)).order_by().values("assignee_id")
            .annotate(s=Sum("n")).values_list("assignee_id", "s"))
    return {assignee or None: n for assignee, n in rows if n}


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
