"""The data of an asset's capacity charts: points downsampled on the server, the threshold,
the fitted trend, the forecast cone and the events, as one JSON spec per series.

Points come from the buckets in one grouped query for all series of the asset: 90 days
of hourly roll-ups and 5-minute buckets become at most MAX_POINTS slots per series (min
of mins, max of maxes, the mean weighted by sample count), so the page stays light
whatever the raw resolution.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import F, FloatField, Func, Max, Min, Sum
from django.db.models.functions import Floor
from django.utils import timezone

from capacity.models import Bucket, Series, SeriesEvent
from capacity.selectors.board import HIDDEN_KINDS, amount, growth_words

MAX_POINTS = 500
PERIOD = timedelta(days=90)
# A cone with no ETA (flat or shrinking) is drawn this far ahead, enough to read its width.
HORIZON = timedelta(days=30)
MAX_AHEAD = timedelta(days=365)


class _Epoch(Func):
    """Seconds since 1970 of a timestamp, on Postgres and SQLite."""

    output_field = FloatField()
    # date_part gives a double; EXTRACT gives a numeric, several times slower to group by.
    template = "date_part('epoch', %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="CAST(strftime('%%%%s', %(expressions)s) AS REAL)", **extra)


def slots(series_ids: list[int], start: datetime, end: datetime,
          limit: int = MAX_POINTS) -> dict[int, list[tuple]]:
    """(t, min, mean, max) per series in at most `limit` equal slots of [start, end).

    Grouped in the database over both resolutions (hourly roll-ups and the 5-minute
    buckets not rolled up yet), so 90 days of a series arrive as ~500 rows, not 5,000.
    """
    step = max((end - start).total_seconds() / limit, 1.0)
    slot = Floor((_Epoch(F("start")) - start.timestamp()) / step)
    rows = (Bucket.objects.filter(series_id__in=series_ids,
                                  resolution__in=[Bucket.FIVE_MINUTES, Bucket.HOUR],
                                  start__gte=start, start__lt=end)
            .annotate(slot=slot).values("series_id", "slot").order_by()
            .annotate(t=Min("start"), low=Min("min"), high=Max("max"), total=Sum("total"),
                      n=Sum("count"))
            .values_list("series_id", "slot", "t", "low", "total", "n", "high"))
    found: dict[int, list[tuple]] = defaultdict(list)
    for sid, _slot, t, low, total, n, high in sorted(rows, key=lambda r: (r[0], r[1])):
        found[sid].append((t, low, total / n if n else (low + high) / 2, high))
    return found


def downsample(rows: list[tuple], start: datetime, end: datetime,
               limit: int = MAX_POINTS) -> list[tuple]:
    """The same slots in Python, for points that come from elsewhere (a Prometheus range):
    (t, min, total, count, max) rows in, (t, min, mean, max) out."""
    if not rows:
        return []
    step = max((end - start).total_seconds() / limit, 1.0)
    origin = start.timestamp()
    grouped: dict[int, list] = {}
    for t, low, total, count, high in rows:
        n = int((t.timestamp() - origin) // step)
        slot = grouped.get(n)
        if slot is None:
            grouped[n] = [t, low, total, count or 0, high]
            continue
        slot[1] = min(slot[1], low)
        slot[2] += total
        slot[3] += count or 0
        slot[4] = max(slot[4], high)
    points = []
    for n in sorted(grouped):
        t, low, total, count, high = grouped[n]
        points.append((t, low, total / count if count else (low + high) / 2, high))
    return points


def _short(value: float | None) -> float | None:
    """Four significant digits are all a chart can show; the JSON stays a third the size."""
    if value is None or value == 0:
        return value
    return float(f"{value:.4g}")


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def _threshold(series: Series) -> float | None:
    return series.threshold_value if series.threshold_value is not None else series.threshold


def _forecast(series: Series, points: list[tuple], now: datetime) -> tuple[list, dict]:
    """The fitted trend over the window and the cone ahead, both from the window's end."""
    if series.slope is None or not points:
        return [], {}
    end = series.window_end or points[-1][0]
    anchor = series.last_value if series.last_value is not None else points[-1][2]
    per_ms = 1 / 86_400_000
    start = series.window_start or points[0][0]
    trend = [[_ms(start), anchor - series.slope * (_ms(end) - _ms(start)) * per_ms],
             [_ms(end), anchor]]
    until = series.eta_latest or series.eta_likely or (end + HORIZON)
    until = min(max(until, end + timedelta(days=1)), end + MAX_AHEAD)
    ahead = (_ms(until) - _ms(end)) * per_ms

    def line(slope):
        return [[_ms(end), anchor], [_ms(until), anchor + (slope or 0) * ahead]]

    cone = {"likely": line(series.slope),
            "low": line(series.slope_low if series.slope_low is not None else series.slope),
            "high": line(series.slope_high if series.slope_high is not None else series.slope)}
    return trend, cone


def _daily(points: list[tuple]) -> list[dict]:
    """One row per day, newest first: the table next to the chart."""
    days: dict[date, list] = {}
    for t, low, mean, high in points:
        day = timezone.localdate(t)
        found = days.setdefault(day, [low, high, 0.0, 0])
        found[0], found[1] = min(found[0], low), max(found[1], high)
        found[2] += mean
        found[3] += 1
    # Labels made here: the template's date filter costs 0.1 ms a cell, 900 cells a page.
    return [{"day": f"{d:%a %-d %b}", "min": v[0], "mean": v[2] / v[3], "max": v[1]}
            for d, v in sorted(days.items(), reverse=True)]


def asset_charts(asset, *, now: datetime | None = None, period: timedelta = PERIOD) -> list[dict]:
    """One entry per series of `asset`: the chart spec and the table rows."""
    now = now or timezone.now()
    start = now - period
    series = list(Series.objects.filter(asset=asset).exclude(kind__in=HIDDEN_KINDS)
                  .order_by("kind", "name"))
    if not series:
        return []
    ids = [s.pk for s in series]
    points_of = slots(ids, start, now)
    events: dict[int, list] = defaultdict(list)
    for event in SeriesEvent.objects.filter(series_id__in=ids, at__gte=start).order_by("at"):
        events[event.series_id].append(event)
    charts = []
    for s in series:
        points = points_of.get(s.pk, [])
        trend, cone = _forecast(s, points, now)
        threshold = _threshold(s)
        spec = {"kind": "capacity", "unit": s.unit, "threshold": threshold,
                "points": [[_ms(t), _short(low), _short(mean), _short(high)]
                           for t, low, mean, high in points],
                "trend": trend, "cone": cone,
                "events": [[_ms(e.at), e.get_kind_display()] for e in events[s.pk]]}
        daily = [{**d, "min": amount(d["min"], s.unit), "mean": amount(d["mean"], s.unit),
                  "max": amount(d["max"], s.unit)} for d in _daily(points)]
        charts.append({"series": s, "spec": spec, "spec_id": f"capacity-chart-{s.pk}",
                       "daily": daily, "events": events[s.pk],
                       "threshold": amount(threshold, s.unit),
                       "last": amount(s.last_value, s.unit),
                       "growth": growth_words(s.slope, s.unit),
                       "growth_low": growth_words(s.slope_low, s.unit),
                       "growth_high": growth_words(s.slope_high, s.unit)})
    return charts
