"""Fit a series robustly and turn the fit into an ETA range and a state.

Theil–Sen (scipy.stats.theilslopes) over hourly buckets, after the last level shift (a
clean-up, a resize); the earliest ETA rides the upper envelope of the data (log-rotation
peaks) on the steepest plausible slope of the recent sub-window plus any acceleration, so
it stays steady through a sawtooth and is never later than an accelerating truth. CPU and
memory forecast the rolling weekly peak, not the mean.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
from scipy.ndimage import median_filter
from scipy.stats import theilslopes as _theilslopes

from capacity.forecast.model import FULL, LEARNING, OK, Forecast, classify
from capacity.settings import kind_settings

# The public function wraps the estimator in input checks that cost more than the fit on a
# hundred points; the sweep fits tens of thousands of series (values are finite here).
theilslopes = getattr(_theilslopes, "__wrapped__", _theilslopes)

HOUR, DAY = 3600.0, 86400.0
MIN_HISTORY = timedelta(hours=48)
MIN_SEGMENT = timedelta(hours=24)
MIN_COVERAGE = 0.8
MIN_WINDOW = timedelta(days=7)
MAX_FIT_POINTS = 96  # Theil–Sen is quadratic in points: fold longer windows into groups
HORIZON_DAYS = 5 * 365.0  # an ETA beyond this is "not in sight", not a date
ALPHA = 0.90


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def hourly(t: np.ndarray, mean: np.ndarray, high: np.ndarray, last: np.ndarray):
    """Fold points (5-minute or hourly) into hours: mean of means, max of maxima, last."""
    hours = np.floor(t / HOUR) * HOUR
    keys, first, counts = np.unique(hours, return_index=True, return_counts=True)
    if len(keys) == len(t):
        return keys, mean, high, last
    sums = np.add.reduceat(mean, first)
    return keys, sums / counts, np.maximum.reduceat(high, first), last[first + counts - 1]


def last_shift(t: np.ndarray, y: np.ndarray, threshold: float | None) -> float | None:
    """Start of the segment after the last level shift (a drop or jump far beyond the
    robust spread of hour-to-hour changes), or None. A median filter drops bursts of an
    hour or two."""
    if len(y) < 12:
        return None
    d = np.diff(median_filter(y, size=5, mode="nearest"))
    spread = 1.4826 * float(np.median(np.abs(d - np.median(d))))
    scale = max(abs(threshold or 0.0), float(np.max(np.abs(y))))
    # the filter cannot tell a burst from a shift in the last two hours: wait for them
    candidates = np.flatnonzero(np.abs(d[:-2]) > max(8 * spread, 0.02 * scale))
    # A shift persists: the day after sits well away from the day before. A daily log
    # rotation drops as far every night, but its days sit where the trend puts them.
    if not len(candidates):
        return None
    day = median_filter(y, size=24, mode="nearest")  # day[c]: median of y[c-12 .. c+11]
    last = len(y) - 1
    before = day[np.clip(candidates - 11, 0, last)]
    after = day[np.clip(candidates + 13, 0, last)]
    kept = candidates[np.abs(after - before) > np.maximum(0.5 * np.abs(d[candidates]),
                                                          0.02 * scale)]
    return float(t[kept[-1] + 1]) if len(kept) else None


def _grouped(x: np.ndarray, *ys: np.ndarray):
    if len(x) <= MAX_FIT_POINTS:
        return (x, *ys)
    edges = np.linspace(0, len(x), MAX_FIT_POINTS + 1).astype(int)
    counts = np.diff(edges)
    return tuple(np.add.reduceat(a, edges[:-1]) / counts for a in (x, *ys))


def _daily_mean(x: np.ndarray, y: np.ndarray):
    """A centred 24-hour moving mean: removes any daily cycle (log rotation, backups)
    exactly, so a slope of two or three days does not read the intraday climb."""
    if len(x) < 36:
        return x, y
    kernel = np.ones(24) / 24.0
    return np.convolve(x, kernel, mode="valid"), np.convolve(y, kernel, mode="valid")


def _fit(x: np.ndarray, y: np.ndarray):
    """(slope, intercept at x=0, low, high) per day, x in days relative to now."""
    if len(x) < 3 or np.ptp(x) == 0:
        return 0.0, float(np.median(y)), 0.0, 0.0
    slope, intercept, low, high = theilslopes(y, x, alpha=ALPHA)
    # with a handful of points the interval can come out lopsided; it holds the slope
    return float(slope), float(intercept), float(min(low, slope)), float(max(high, slope))


def _median_slope(x: np.ndarray, y: np.ndarray) -> float:
    """The Theil–Sen slope alone (no interval): the median of the pairwise slopes."""
    i, j = np.triu_indices(len(x), k=1)
    dx = x[j] - x[i]
    ok = dx != 0
    return float(np.median((y[j] - y[i])[ok] / dx[ok])) if ok.any() else 0.0


def forecast_jobs(jobs: list[tuple]) -> list["Forecast"]:
    """[forecast_arrays(*arrays, **options)] for a process pool (module level: picklable)."""
    return [forecast_arrays(*arrays, **options) for arrays, options in jobs]


def _days_to(level: float, slope: float, curve: float, threshold: float) -> float | None:
    """Days until level + slope·τ + ½·curve·τ² reaches threshold (None: not in sight)."""
    gap = threshold - level
    if gap <= 0:
        return 0.0
    root = slope + np.sqrt(max(0.0, slope * slope + 2 * max(curve, 0.0) * gap))
    if root <= 0:
        return None
    days = 2 * gap / root  # the stable form of the quadratic's root; gap/slope when flat
    return float(days) if days <= HORIZON_DAYS else None


def _peak_fit(x: np.ndarray, high: np.ndarray):
    """Trend of the rolling 7-day maximum of daily maxima (a weekly peak per day)."""
    day = np.floor(x).astype(int)
    days, first = np.unique(day, return_index=True)
    daily = np.maximum.reduceat(high, first)
    if len(daily) >= 8:
        rolling = np.array([daily[max(0, i - 6):i + 1].max() for i in range(6, len(daily))])
        days, daily = days[6:], rolling
    return _fit(days + 1.0, daily)  # each day's value is known at its end


def forecast(points, threshold: float | None, kind: str, now: datetime,
             lead_time: timedelta | None = None, *, shifts=()) -> Forecast:
    """points: [(t, min, mean, max, last)] in time order; shifts: datetimes after which the
    series reads differently (a resize), the fit starts after the last of them."""
    if not points:
        return Forecast(LEARNING, "no data yet", threshold=threshold)
    t = np.array([p[0].timestamp() for p in points], dtype=float)
    cols = np.array([(p[2], p[3], p[4]) for p in points], dtype=float)
    return forecast_arrays(t, cols[:, 0], cols[:, 1], cols[:, 2], threshold=threshold,
                           kind=kind, now=now, lead_time=lead_time,
                           shifts=[s.timestamp() for s in shifts])


def forecast_arrays(t, mean, high, last, *, threshold: float | None, kind: str, now: datetime,
                    lead_time: timedelta | None = None, shifts=()) -> Forecast:
    """forecast() on numpy arrays (epoch seconds), the sweep's bulk path."""
    conf = kind_settings(kind)
    lead_time = lead_time or conf.lead_time
    now_s = now.timestamp()
    keep = t <= now_s
    t, mean, high, last = t[keep], mean[keep], high[keep], last[keep]
    if not len(t):
        return Forecast(LEARNING, "no data yet", threshold=threshold)
    base = {"threshold": threshold, "window_end": now}
    if threshold is not None and last[-1] >= threshold:
        return Forecast(FULL, "at or over the threshold now", eta_earliest=now, eta_likely=now,
                        eta_latest=now, level=float(last[-1]), **base)
    history = now_s - t[0]
    if history < MIN_HISTORY.total_seconds():
        return Forecast(LEARNING, f"{history / HOUR:.0f} h of data, needs 48 h", **base)
    t, mean, high, last = hourly(t, mean, high, last)
    window = max(MIN_WINDOW, 3 * lead_time).total_seconds()
    start = max(now_s - window, t[0])
    inside = t >= start
    t, mean, high = t[inside], mean[inside], high[inside]
    coverage = len(t) / max(1.0, np.ceil((now_s - start) / HOUR))
    if coverage < MIN_COVERAGE:
        return Forecast(LEARNING, f"{coverage:.0%} of buckets in the window, needs 80 %", **base)
    cut = max([s for s in shifts if start < s <= now_s], default=None)
    found = None if conf.peak else last_shift(t, mean, threshold)
    cut = max(c for c in (cut, found, start) if c is not None)
    if now_s - cut < MIN_SEGMENT.total_seconds():
        return Forecast(LEARNING, f"level shift at {_at(cut):%Y-%m-%d %H:%M}, relearning",
                        window_start=_at(cut), **base)
    seg = t >= cut
    x, y, top = (t[seg] - now_s) / DAY, mean[seg], high[seg]
    base["window_start"] = _at(float(t[seg][0]))
    if conf.peak:
        slope, level, low, high_slope = _peak_fit(x, top)
        envelope, recent_level, recent_high, curve = 0.0, level, high_slope, 0.0
    else:
        gx, gy = _grouped(*_daily_mean(x, y))
        slope, level, low, high_slope = _fit(gx, gy)
        hx, htop = _grouped(x, top)
        envelope = max(0.0, float(np.quantile(htop - (level + slope * hx), 0.95)))
        recent_level, recent_high, curve = level + envelope, high_slope, 0.0
        if x[0] <= -3.0:
            third = x[0] / 3.0
            early, late = gx <= 2 * third, gx >= third
            s1 = _median_slope(gx[early], gy[early])
            s3, a3, l3, h3 = _fit(gx[late], gy[late])
            m1, m3 = float(gx[early].mean()), float(gx[late].mean())
            top_late = hx >= third
            # slopes of the first and last thirds at their midpoints: the acceleration,
            # counted
            curve = max(0.0, 2.0 * (s3 - s1) / (m3 - m1))  # twice: early, not late
            recent_level = max(recent_level, a3 + max(0.0, float(np.quantile(
                htop[top_late] - (a3 + s3 * hx[top_late]), 0.95))))
            recent_high = max(high_slope, h3 + curve * -m3)
    peak = level + max(slope, 0.0) * 7 if conf.peak else None
    fitted = {"slope": slope, "slope_low": low, "slope_high": high_slope, "level": level,
              "peak": peak, **base}
    if threshold is None:
        return Forecast(OK, "no threshold set", **fitted)
    if slope <= 0 or low <= 0:
        return Forecast(OK, "not filling" if slope <= 0 else "no significant growth", **fitted)
    days = (_days_to(max(level + envelope, recent_level), max(high_slope, recent_high), curve,
                     threshold),
            _days_to(level, slope, 0.0, threshold), _days_to(level, low, 0.0, threshold))
    earliest, likely, latest = (None if d is None else now + timedelta(days=d) for d in days)
    state = classify(earliest, now=now, lead_time=lead_time)
    reason = f"grows {slope:.4g}/day" if earliest else "full not in sight"
    return Forecast(state, reason, eta_earliest=earliest, eta_likely=likely, eta_latest=latest,
                    **fitted)
