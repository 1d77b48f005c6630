"""Hourly rollups: kept up to date as results arrive, recomputed before raw rows go.

The dispatcher adds each applied result to its (check, hour) row in the same
transaction that records the result, so the counts are exactly-once like the results
(a redelivered batch applies nothing and adds nothing). The nightly prune recomputes
each hour from the raw rows *and* deletes them in one transaction per chunk: a prune
killed half-way leaves every hour either whole in both tables or rolled up and gone,
never half-counted. Running it twice is harmless (SET, not add).
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from monitoring import conf
from monitoring.models import Check, CheckResult, CheckRollup, Outcome
from monitoring.slots import hour_of

HOUR = timedelta(hours=1)


def _db(moment):
    # Raw SQL gets what the ORM would store: on SQLite a UTC text in Django's format, so
    # the unique (owner, hour) key matches rows written through the ORM.
    return connection.ops.adapt_datetimefield_value(moment)


class Accumulator:
    """(check, hour) -> counts for a batch of results, to add in one statement."""

    def __init__(self):
        self.rows = defaultdict(lambda: [0, 0, 0, 0, 0.0, None, None])

    def add(self, check_id: int, planned_at, outcome: str, latency: float | None) -> None:
        row = self.rows[(check_id, hour_of(planned_at))]
        row[0] += 1
        row[1] += outcome == Outcome.DOWN
        row[2] += outcome == Outcome.DEGRADED
        if latency is not None:
            row[3] += 1
            row[4] += latency
            row[5] = latency if row[5] is None else min(row[5], latency)
            row[6] = latency if row[6] is None else max(row[6], latency)

    def upsert(self) -> None:
        if not self.rows:
            return
        table = CheckRollup._meta.db_table
        least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else (
            "MIN", "MAX")
        values, params = [], []
        for (check_id, hour), (n, failures, degraded, lat_n, lat_sum, lo, hi) in sorted(
                self.rows.items()):
            values.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
            params += [check_id, _db(hour), n, failures, degraded, lat_n, lat_sum, lo, hi]
        # COALESCE: LEAST/GREATEST ignore NULLs on Postgres but SQLite's MIN/MAX do not.
        sql = f"""
            INSERT INTO {table} (owner_id, hour, count, failures, degraded, latency_count,
                                 latency_sum, latency_min, latency_max)
            VALUES {", ".join(values)}
            ON CONFLICT (owner_id, hour) DO UPDATE SET
              count = {table}.count + excluded.count,
              failures = {table}.failures + excluded.failures,
              degraded = {table}.degraded + excluded.degraded,
              latency_count = {table}.latency_count + excluded.latency_count,
              latency_sum = {table}.latency_sum + excluded.latency_sum,
              latency_min = {least}(COALESCE({table}.latency_min, excluded.latency_min),
                                    COALESCE(excluded.latency_min, {table}.latency_min)),
              latency_max = {greatest}(COALESCE({table}.latency_max, excluded.latency_max),
                                       COALESCE(excluded.latency_max, {table}.latency_max))
        """  # noqa: S608 (table name from the model, values are parameters)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _recompute(check_ids: list[int], start, end) -> int:
    """Replace the rollups of these checks' hours in [start, end) with counts from raw."""
    table, results = CheckRollup._meta.db_table, CheckResult._meta.db_table
    trunc = ("date_trunc('hour', planned_at)" if connection.vendor == "postgresql"
             else "strftime('%%Y-%%m-%%d %%H:00:00', planned_at)")
    placeholders = ", ".join(["%s"] * len(check_ids))
    sql = f"""
        INSERT INTO {table} (owner_id, hour, count, failures, degraded, latency_count,
                             latency_sum, latency_min, latency_max)
        SELECT owner_id, {trunc}, COUNT(*),
               SUM(CASE WHEN outcome = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN outcome = %s THEN 1 ELSE 0 END),
               COUNT(latency_ms), COALESCE(SUM(latency_ms), 0), MIN(latency_ms),
               MAX(latency_ms)
        FROM {results}
        WHERE owner_id IN ({placeholders}) AND planned_at >= %s AND planned_at < %s
        GROUP BY owner_id, {trunc}
        ON CONFLICT (owner_id, hour) DO UPDATE SET
          count = excluded.count, failures = excluded.failures,
          degraded = excluded.degraded, latency_count = excluded.latency_count,
          latency_sum = excluded.latency_sum, latency_min = excluded.latency_min,
          latency_max = excluded.latency_max
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [Outcome.DOWN.value, Outcome.DEGRADED.value, *check_ids,
                             _db(start), _db(end)])
        return cursor.rowcount


def check_results_roll_up_and_prune(*, now: datetime | None = None, chunk: int = 500,
                                    max_seconds: float | None = None) -> dict:
    """Roll up and delete raw results older than the retention period, chunk by chunk.

    Only whole hours before the cutoff are touched, so an hour is never split between
    a pruned and a kept part.
    """
    now = now or timezone.now()
    cutoff = hour_of(now - timedelta(days=conf.retention_days()))
    oldest = CheckResult.objects.filter(planned_at__lt=cutoff).order_by("planned_at").values_list(
        "planned_at", flat=True).first()
    report = {"hours": 0, "deleted": 0}
    if oldest is None:
        return report
    started = timezone.now()  # the real clock: how long this night's run has taken
    check_ids = list(Check.objects.order_by("pk").values_list("pk", flat=True))
    start = hour_of(oldest)
    while start < cutoff:
        end = min(start + timedelta(days=1), cutoff)
        for i in range(0, len(check_ids), chunk):
            ids = check_ids[i:i + chunk]
            with transaction.atomic():
                _recompute(ids, start, end)
                deleted, _ = CheckResult.objects.filter(
                    owner_id__in=ids, planned_at__gte=start, planned_at__lt=end).delete()
            report["deleted"] += deleted
        report["hours"] += int((end - start) / HOUR)
        start = end
        if max_seconds and (timezone.now() - started).total_seconds() > max_seconds:
            break  # the next night goes on where this one stopped
    # Results of checks deleted meanwhile went with their check (CASCADE).
    return report
