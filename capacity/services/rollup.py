"""Retention of the bucket store: 5-minute buckets past TEND_METRICS_RAW_DAYS become hourly
ones, hourly ones past TEND_METRICS_KEEP_DAYS go.

Each slice (one day of 5-minute buckets of up to SERIES_PER_SLICE series) is rolled up and
deleted in one transaction: INSERT … SELECT … ON CONFLICT DO UPDATE merges into any hourly
bucket already there, so a slice is never counted twice, and a run killed half-way leaves
whole slices for the next run. The cut is on an hour boundary, so no hour is split.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from capacity.models import Bucket
from capacity.services.ingest import COLUMNS, conflict_target, merge_clause

SERIES_PER_SLICE = 500
DELETE_BATCH = 10_000


def _hour(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('hour', {column})"
    return f"strftime('%%Y-%%m-%%d %%H:00:00', {column})"


def _rollup_sql() -> str:
    q = connection.ops.quote_name
    t = q(Bucket._meta.db_table)
    c = {name: q(name) for name in COLUMNS}
    hour = _hour(f"b.{c['start']}")
    return (
        # Only quoted model identifiers are formatted in; the bounds are parameters.
        f"INSERT INTO {t} ({', '.join(c.values())}) "  # noqa: S608
        f"SELECT g.sid, {Bucket.HOUR}, g.hour, g.n, g.total, g.low, g.high, "
        f"(SELECT l.{c['last']} FROM {t} l WHERE l.{c['series_id']} = g.sid "
        f"AND l.{c['resolution']} = {Bucket.FIVE_MINUTES} AND l.{c['start']} = g.latest), "
        f"g.last_at FROM (SELECT b.{c['series_id']} AS sid, {hour} AS hour, "
        f"SUM(b.{c['count']}) AS n, SUM(b.{c['total']}) AS total, MIN(b.{c['min']}) AS low, "
        f"MAX(b.{c['max']}) AS high, MAX(b.{c['start']}) AS latest, "
        f"MAX(b.{c['last_at']}) AS last_at FROM {t} b "
        f"WHERE b.{c['resolution']} = {Bucket.FIVE_MINUTES} AND b.{c['start']} >= %s "
        f"AND b.{c['start']} < %s AND b.{c['series_id']} >= %s AND b.{c['series_id']} < %s "
        f"GROUP BY b.{c['series_id']}, {hour}) g WHERE true "
        f"ON CONFLICT {conflict_target()} DO UPDATE SET {merge_clause()}")


def buckets_rollup(*, now: datetime | None = None) -> dict:
    """Roll up and prune; {"rolled": 5-minute buckets folded, "pruned": hourly removed}."""
    now = now or timezone.now()
    cut = (now - timedelta(days=settings.TEND_METRICS_RAW_DAYS)).replace(
        minute=0, second=0, microsecond=0)
    report = {"rolled": 0, "pruned": 0}
    old = Bucket.objects.filter(resolution=Bucket.FIVE_MINUTES, start__lt=cut)
    first = old.order_by("start").values_list("start", flat=True).first()
    adapt = connection.ops.adapt_datetimefield_value
    while first is not None and first < cut:
        day_end = min(first.replace(minute=0, second=0, microsecond=0) + timedelta(days=1), cut)
        ids = sorted(set(old.filter(start__lt=day_end).values_list("series_id", flat=True)))
        for i in range(0, len(ids), SERIES_PER_SLICE):
            low, high = ids[i], ids[min(i + SERIES_PER_SLICE, len(ids)) - 1] + 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_rollup_sql(), [adapt(first), adapt(day_end), low, high])
                report["rolled"] += Bucket.objects.filter(
                    resolution=Bucket.FIVE_MINUTES, start__gte=first, start__lt=day_end,
                    series_id__gte=low, series_id__lt=high).delete()[0]
        first = old.order_by("start").values_list("start", flat=True).first()
    keep = now - timedelta(days=settings.TEND_METRICS_KEEP_DAYS)
    while True:
        with transaction.atomic():
            batch = list(Bucket.objects.filter(start__lt=keep).values_list("pk", flat=True)
                         [:DELETE_BATCH])
            if not batch:
                break
            report["pruned"] += Bucket.objects.filter(pk__in=batch).delete()[0]
    return report
