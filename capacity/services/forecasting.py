"""The forecasting sweep: every series' latest forecast, stored on the series, and the
capacity ticket loop (followups.py). Beat runs it every 15 minutes; so does
`manage.py capacity_forecast`, once.

Bounded queries: series go in batches; each batch reads its buckets folded into hours in one
query (PostgreSQL: one array row per series), its resize events in one, and writes its
forecasts with one bulk_update. Only series whose ticket changes touch tickets."""

import logging
import multiprocessing
import os
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from capacity.forecast import LEARNING, OK
from capacity.forecast.fit import MIN_WINDOW, forecast_jobs
from capacity.models import Bucket, FollowUp, Series, SeriesEvent, Source
from capacity.selectors.series import series_points
from capacity.services.followups import follow_up_apply
from capacity.settings import NOT_FORECAST, kind_settings, threshold_for

log = logging.getLogger(__name__)
BATCH = 1000
PARALLEL_FROM = 5000
FIELDS = ["state", "state_reason", "threshold_value", "eta_earliest", "eta_likely",
          "eta_latest", "slope", "slope_low", "slope_high", "window_start", "window_end",
          "forecast_at"]
POINTS_SQL = """
SELECT series_id, array_agg(extract(epoch FROM start)::float8 ORDER BY start, resolution),
       array_agg(CASE WHEN count > 0 THEN total / count ELSE last END ORDER BY start, resolution),
       array_agg(max ORDER BY start, resolution), array_agg(last ORDER BY start, resolution)
FROM {table} WHERE series_id = ANY(%s) AND start >= %s AND start < %s
GROUP BY series_id
"""
UPDATE_SQL = """
UPDATE {table} AS s SET state = v.state, state_reason = v.state_reason,
  threshold_value = v.threshold_value, eta_earliest = v.eta_earliest,
  eta_likely = v.eta_likely, eta_latest = v.eta_latest, slope = v.slope,
  slope_low = v.slope_low, slope_high = v.slope_high, window_start = v.window_start,
  window_end = v.window_end, forecast_at = v.forecast_at
FROM (VALUES %s) AS v(id, state, state_reason, threshold_value, eta_earliest, eta_likely,
  eta_latest, slope, slope_low, slope_high, window_start, window_end, forecast_at)
WHERE s.id = v.id
"""
# typed first row: VALUES takes its column types from it, and NULLs alone have none
TEMPLATE = ("(%s, %s, %s, %s::float8, %s::timestamptz, %s::timestamptz, %s::timestamptz, "
            "%s::float8, %s::float8, %s::float8, %s::timestamptz, %s::timestamptz, "
            "%s::timestamptz)")


def _window(kind: str) -> timedelta:
    return max(MIN_WINDOW, 3 * kind_settings(kind).lead_time)


def _hourly_points(ids: list[int], start: datetime, end: datetime) -> dict[int, tuple]:
    """{series id: (t, mean, max, last) arrays} of buckets in [start, end), in time order;
    the forecaster folds 5-minute buckets into hours itself."""
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POINTS_SQL.format(table=Bucket._meta.db_table), [ids, start, end])
            return {sid: tuple(np.array(a, dtype=float) for a in arrays)
                    for sid, *arrays in cursor.fetchall()}
    rows: dict[int, list] = {}
    for sid, t, count, total, high, last in (
            Bucket.objects.filter(series_id__in=ids, start__gte=start, start__lt=end)
            .order_by("series_id", "start", "resolution")
            .values_list("series_id", "start", "count", "total", "max", "last")):
        rows.setdefault(sid, []).append((t.timestamp(), total / count if count else last,
                                         high, last))
    return {sid: tuple(np.array(c, dtype=float) for c in zip(*r, strict=True))
            for sid, r in rows.items()}


def _prometheus_points(series: Series, start: datetime, end: datetime) -> tuple:
    points = series_points(series, start=start, end=end, resolution=Bucket.HOUR)
    if not points:
        return ()
    t = np.array([p[0].timestamp() for p in points], dtype=float)
    cols = np.array([(p[2], p[3], p[4]) for p in points], dtype=float)
    return t, cols[:, 0], cols[:, 1], cols[:, 2]


def _store(series: Series, fc, now: datetime) -> None:
    series.state, series.state_reason = fc.state, fc.reason[:200]
    series.threshold_value = fc.threshold
    series.eta_earliest, series.eta_likely, series.eta_latest = (
        fc.eta_earliest, fc.eta_likely, fc.eta_latest)
    series.slope, series.slope_low, series.slope_high = fc.slope, fc.slope_low, fc.slope_high
    series.window_start, series.window_end, series.forecast_at = (
        fc.window_start, fc.window_end, now)


def _prepare(ids: list[int], now: datetime) -> tuple:
    """One batch read: the series, their points, resizes and open follow-ups, and the
    forecast jobs (pure, so they may run in another process)."""
    batch = list(Series.objects.filter(pk__in=ids).select_related("asset__service",
                                                                  "capacity_series"))
    start = now - max(_window(s.kind) for s in batch)
    pushed = [s.pk for s in batch if s.source != Source.PROMETHEUS]
    points = _hourly_points(pushed, start, now)
    watched = {s.pk for s in batch} | {s.capacity_series_id for s in batch if s.capacity_series_id}
    resizes: dict[int, datetime] = {}
    for sid, at in (SeriesEvent.objects.filter(series_id__in=watched, at__gte=start,
                                               kind=SeriesEvent.Kind.RESIZE)
                    .values_list("series_id", "at")):
        resizes[sid] = max(at, resizes.get(sid, at))
    open_ups = {f.series_id: f for f in FollowUp.objects.filter(
        series_id__in=ids, closed_at__isnull=True).select_related("ticket")}
    jobs, extra = [], []
    for series in batch:
        data = points.get(series.pk) if series.source != Source.PROMETHEUS else \
            _prometheus_points(series, start, now)
        capacity = series.capacity_series.last_value if series.capacity_series else None
        resized = max([r for r in (resizes.get(series.pk), resizes.get(series.capacity_series_id))
                       if r is not None], default=None)
        options = {"threshold": threshold_for(series.kind, override=series.threshold,
                                              capacity=capacity),
                   "kind": series.kind, "now": now,
                   "shifts": [resized.timestamp()] if resized else []}
        jobs.append((data if data else (np.array([]),) * 4, options))
        extra.append((capacity, resized))
    return batch, jobs, extra, open_ups


def _finish(prepared: tuple, forecasts: list, now: datetime, counts: Counter) -> None:
    batch, _jobs, extra, open_ups = prepared
    for series, fc, (capacity, resized) in zip(batch, forecasts, extra, strict=True):
        _store(series, fc, now)
        counts[fc.state] += 1
        follow_up = open_ups.get(series.pk)
        if follow_up is None and fc.state in (LEARNING, OK):
            continue  # nothing to open, nothing to follow: no ticket queries
        action = follow_up_apply(series=series, fc=fc, follow_up=follow_up, capacity=capacity,
                                 resized_at=resized, now=now)
        if action:
            counts[action.split()[0]] += 1
    _save(batch)


def _save(batch: list[Series]) -> None:
    """The batch's forecast fields in one statement (bulk_update's CASE per field and row
    costs seconds per thousand series on PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor != "postgresql":
            Series.objects.bulk_update(batch, FIELDS, batch_size=BATCH)
            return
        from psycopg2.extras import execute_values

        rows = [(s.pk, *(getattr(s, f) for f in FIELDS)) for s in batch]
        with connection.cursor() as cursor:
            execute_values(cursor.cursor, UPDATE_SQL.format(table=Series._meta.db_table), rows,
                           template=TEMPLATE, page_size=BATCH)


def _pool(workers: int):
    if workers < 2:
        return None
    try:  # a daemonic Celery worker may not fork children: then the sweep runs inline
        return ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("fork"))
    except (AssertionError, OSError, ValueError) as exc:
        log.info("forecasting inline: %s", exc)
        return None


def _compute(pool, jobs: list) -> list | Future:
    if pool is None:
        return forecast_jobs(jobs)
    half = (len(jobs) + 1) // 2
    parts = [pool.submit(forecast_jobs, jobs[:half]), pool.submit(forecast_jobs, jobs[half:])]
    return parts


def _results(computed) -> list:
    if isinstance(computed, list) and computed and isinstance(computed[0], Future):
        return [fc for part in computed for fc in part.result()]
    return computed


def capacity_forecast_sweep(*, now: datetime | None = None, workers: int | None = None) -> dict:
    """Forecast every series (fs_size is the capacity of an fs_used, not forecast itself);
    counts per state and per ticket action. Large sweeps fit in `workers` processes
    (default: the CPU count, from 5,000 series) while the next batch is read."""
    now = now or timezone.now()
    counts: Counter = Counter()
    ids = list(Series.objects.exclude(kind__in=NOT_FORECAST).order_by("pk")
               .values_list("pk", flat=True))
    if workers is None:
        workers = (os.cpu_count() or 1) if len(ids) >= PARALLEL_FROM else 0
    pool = _pool(workers)
    try:
        pending = None
        for i in range(0, len(ids), BATCH):
            prepared = _prepare(ids[i:i + BATCH], now)
            computed = _compute(pool, prepared[1])
            if pending is not None:
                _finish(pending[0], _results(pending[1]), now, counts)
            pending = (prepared, computed)
        if pending is not None:
            _finish(pending[0], _results(pending[1]), now, counts)
    finally:
        if pool is not None:
            pool.shutdown()
    counts["series"] = len(ids)
    return dict(counts)
