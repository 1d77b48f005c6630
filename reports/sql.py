"""SQL building blocks the figures share: durations in seconds and percentiles.

Postgres computes percentiles with `percentile_cont` inside the grouped query, so no
ticket ever reaches Python. SQLite has no percentile function: there `duration_stats`
reads the durations of each group (one ordered query) and interpolates the same way
percentile_cont does. That fallback is for `make run` on a bare machine, not for scale.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)


class Seconds(Func):
    """A duration (interval on Postgres, microseconds on SQLite) as float seconds."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)",
                              **extra)

    def as_sql(self, compiler, connection, **extra):
        # SQLite (and others without an interval type) store durations as microseconds.
        return super().as_sql(compiler, connection, template="((%(expressions)s) / 1000000.0)",
                              **extra)


def elapsed(later: str, earlier: str) -> Seconds:
    """Wall-clock seconds from one timestamp field to another."""
    return Seconds(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()))


def used(field: str) -> Seconds:
    """A stored DurationField (business time used) in seconds."""
    return Seconds(F(field))


class PercentileCont(Aggregate):
    """Postgres `percentile_cont(f) WITHIN GROUP (ORDER BY x)`: linear interpolation."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        # Interpolated into the SQL: only a float we built ourselves, never user input.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def interpolate(ordered: list[float], fraction: float) -> float | None:
    """What percentile_cont returns, for values already sorted."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Stats:
    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def duration_aggregates(metrics: dict[str, tuple[Func, Q]]) -> dict:
    """Postgres aggregates for each metric's Stats (see `row_stats`)."""
    aggregates = {}
    for name, (expression, condition) in metrics.items():
        aggregates[f"{name}__count"] = Count("pk", filter=condition)
        aggregates[f"{name}__mean"] = Avg(expression, filter=condition)
        aggregates[f"{name}__median"] = PercentileCont(expression, 0.5, filter=condition)
        aggregates[f"{name}__p90"] = PercentileCont(expression, 0.9, filter=condition)
    return aggregates


def row_stats(row: dict, metrics) -> dict[str, Stats]:
    """The Stats of each metric from a row of `duration_aggregates`."""
    return {name: Stats(row[f"{name}__count"], row[f"{name}__mean"], row[f"{name}__median"],
                        row[f"{name}__p90"]) for name in metrics}


def duration_stats(queryset: QuerySet, group: str | None,
                   metrics: dict[str, tuple[Func, Q]], extra: dict | None = None) -> dict:
    """{group value: {metric: Stats}} over `queryset`, one query on Postgres.

    `metrics` maps a name to (seconds expression, condition the row must meet to count),
    e.g. {"mtta": (elapsed("first_response_at", "created_at"),
                   Q(first_response_at__isnull=False))}.
    `group` is a field name (or None for one overall group, keyed None).
    `extra` plain aggregates ride along in the same query (Postgres only); their values
    appear next to the metrics.
    """
    if is_postgres():
        aggregates = {**(extra or {}), **duration_aggregates(metrics)}
        if group is None:
            rows = [{None: None, **queryset.order_by().aggregate(**aggregates)}]
        else:
            rows = list(queryset.order_by().values(group).annotate(**aggregates))
        return {row.get(group): {**{name: row[name] for name in extra or {}},
                                 **row_stats(row, metrics)} for row in rows}
    if extra:
        raise ValueError("extra aggregates ride along on Postgres only")
    return {key: {name: summarize(found.get(name, [])) for name in metrics}
            for key, found in duration_values(queryset, group, metrics).items()}


def duration_values(queryset, group, metrics) -> dict:
    """SQLite fallback: {group value: {metric: [seconds…]}} from one query reading each
    metric's seconds. With no group, the one key None is always there."""
    from django.db.models import Case, When

    annotations = {f"m_{name}": Case(When(condition, then=expression), default=None,
                                     output_field=FloatField())
                   for name, (expression, condition) in metrics.items()}
    fields = ([group] if group else []) + list(annotations)
    values: dict = defaultdict(lambda: defaultdict(list))
    if not group:
        values[None] = defaultdict(list)
    for row in queryset.order_by().annotate(**annotations).values(*fields):
        bucket = values[row[group] if group else None]
        for name in metrics:
            value = row[f"m_{name}"]
            if value is not None:
                bucket[name].append(value)
    return values


def summarize(numbers: Iterable[float]) -> Stats:
    ordered = sorted(numbers)
    if not ordered:
        return Stats()
    return Stats(len(ordered), sum(ordered) / len(ordered), interpolate(ordered, 0.5),
                 interpolate(ordered, 0.9))
