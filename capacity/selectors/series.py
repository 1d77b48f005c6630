"""Points of a series over a range, from its buckets or from the team's Prometheus."""

import logging
from datetime import datetime, timedelta

from capacity.models import Bucket, Series, Source

log = logging.getLogger(__name__)
FINE_SPAN = timedelta(days=2)  # up to this span, 5-minute points; beyond, hourly


def series_of_asset(asset_id: int):
    return Series.objects.filter(asset_id=asset_id).order_by("kind", "name", "pk")


def series_points(series: Series, *, start: datetime, end: datetime,
                  resolution: int | None = None) -> list[tuple]:
    """[(t, min, mean, max, last)] in time order. Hourly reads fold the 5-minute buckets
    not yet rolled up into their hours, so a range across the raw horizon has no gap."""
    if series.source == Source.PROMETHEUS:
        from capacity.services.prometheus import PrometheusError, prometheus_series_range

        step = resolution or (300 if end - start <= FINE_SPAN else 3600)
        try:
            points = prometheus_series_range(series=series, start=start, end=end, step=step)
        except PrometheusError as exc:
            log.warning("series %s: %s", series.pk, exc)
            return []
        return [(t, v, v, v, v) for t, v in points]
    resolution = resolution or (Bucket.FIVE_MINUTES if end - start <= FINE_SPAN else Bucket.HOUR)
    rows = (Bucket.objects.filter(series=series, start__gte=start, start__lt=end)
            .order_by("start", "resolution")
            .values_list("resolution", "start", "count", "total", "min", "max", "last"))
    if resolution == Bucket.FIVE_MINUTES:
        return [(t, low, total / count if count else last, high, last)
                for res, t, count, total, low, high, last in rows if res == Bucket.FIVE_MINUTES]
    hours: dict[datetime, list] = {}
    for _res, t, count, total, low, high, last in rows:
        hour = t.replace(minute=0, second=0, microsecond=0)
        row = hours.get(hour)
        if row is None:
            hours[hour] = [count, total, low, high, last]
        else:
            row[0] += count
            row[1] += total
            row[2], row[3], row[4] = min(row[2], low), max(row[3], high), last
    return [(t, low, total / count if count else last, high, last)
            for t, (count, total, low, high, last) in sorted(hours.items())]
