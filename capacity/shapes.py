"""Deterministic generators of the data shapes that break naive forecasters (issue 13),
and a runner that drives the pure forecast and follow-up decisions over simulated days.
Used by tests and `manage.py capacity_simulate`; numpy only, no Django."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from capacity.forecast.fit import forecast_arrays
from capacity.forecast.loop import NOTICE, OPEN, RESOLVE, TRACK, OpenFollowUp, decide, eta_range
from capacity.settings import floor_for, kind_settings, threshold_for

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
SIZE = 500e9  # bytes of the simulated disk
DAY = 86400.0


@dataclass
class Shape:
    name: str
    kind: str
    t: np.ndarray  # epoch seconds of hourly buckets
    low: np.ndarray
    mean: np.ndarray
    high: np.ndarray
    last: np.ndarray
    days: int
    size: np.ndarray | None = None  # fs size per bucket (fs_used)
    resizes: list = field(default_factory=list)  # epoch seconds
    truth: datetime | None = None  # when the noise-free trend reaches the threshold
    evaluate_at: datetime | None = None  # the moment the shape's test reads the forecast

    def points(self, until: datetime | None = None) -> list[tuple]:
        end = (until or self.at(self.days)).timestamp()
        return [(datetime.fromtimestamp(t, tz=UTC), lo, m, hi, la)
                for t, lo, m, hi, la in zip(self.t, self.low, self.mean, self.high, self.last,
                                            strict=True) if t < end]

    @staticmethod
    def at(day: float) -> datetime:
        return START + timedelta(days=day)

    def capacity(self, now: datetime) -> float | None:
        if self.size is None:
            return None
        i = int(np.searchsorted(self.t, now.timestamp(), side="right")) - 1
        return float(self.size[max(i, 0)])

    def threshold(self, now: datetime) -> float | None:
        return threshold_for(self.kind, override=None, capacity=self.capacity(now))

    def forecast(self, now: datetime):
        keep = self.t < now.timestamp()
        return forecast_arrays(self.t[keep], self.mean[keep], self.high[keep], self.last[keep],
                               threshold=self.threshold(now), kind=self.kind, now=now,
                               shifts=[r for r in self.resizes if r <= now.timestamp()])


def _build(name, kind, days, value, *, noise=0.0, seed=0, keep=None, size=None, **extra):
    """Hourly buckets of value(t_days) sampled every 5 minutes, plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    minutes = np.arange(days * 288) * 300.0
    v = value(minutes / DAY) + rng.normal(0.0, noise, len(minutes)) if noise else \
        value(minutes / DAY)
    v = v.reshape(-1, 12)
    t = START.timestamp() + minutes[::12]
    cols = [t, v.min(axis=1), v.mean(axis=1), v.max(axis=1), v[:, -1]]
    sizes = None if size is None else np.asarray(size(minutes[::12] / DAY), dtype=float)
    if keep is not None:
        mask = keep(rng, len(t))
        cols = [c[mask] for c in cols]
        sizes = None if sizes is None else sizes[mask]
    return Shape(name, kind, *cols, days=days, size=sizes, **extra)


def _cross(f, threshold: float, days: int) -> datetime | None:
    grid = np.arange(0, days * 1440) / 1440.0
    above = np.flatnonzero(f(grid) >= threshold)
    return Shape.at(float(grid[above[0]])) if len(above) else None


def _disk(fraction):
    return lambda d: fraction(d) * SIZE


def steady(days=60):
    f = _disk(lambda d: 0.40 + 0.01 * d)
    return _build("steady", "fs_used", days, f, noise=0.002 * SIZE, seed=1,
                  size=lambda d: np.full_like(d, SIZE), truth=_cross(f, 0.9 * SIZE, 90),
                  evaluate_at=Shape.at(30))


def sawtooth(days=60):
    trend = _disk(lambda d: 0.45 + 0.008 * d)
    f = _disk(lambda d: 0.45 + 0.008 * d + 0.03 * (d % 1.0))  # logs rotated at midnight
    return _build("sawtooth", "fs_used", days, f, noise=0.001 * SIZE, seed=2,
                  size=lambda d: np.full_like(d, SIZE),
                  truth=_cross(lambda d: trend(d) + 0.015 * SIZE, 0.9 * SIZE, 90),
                  evaluate_at=Shape.at(30))


def flat(days=30):
    return _build("flat", "fs_used", days, _disk(lambda d: 0.85 + 0 * d),
                  noise=0.008 * SIZE, seed=3, size=lambda d: np.full_like(d, SIZE),
                  evaluate_at=Shape.at(days))


def cleanup(days=14):
    f = _disk(lambda d: np.where(d < days - 2, 0.62 + 0.015 * d, 0.35 + 0.015 * d))
    return _build("cleanup", "fs_used", days, f, noise=0.002 * SIZE, seed=4,
                  size=lambda d: np.full_like(d, SIZE),
                  truth=_cross(_disk(lambda d: 0.35 + 0.015 * d), 0.9 * SIZE, 90),
                  evaluate_at=Shape.at(days))


def burst(days=20):
    f = _disk(lambda d: np.where((d >= 10.5) & (d < 10.5 + 1 / 24), 0.78, 0.40))
    return _build("burst", "fs_used", days, f, noise=0.002 * SIZE, seed=5,
                  size=lambda d: np.full_like(d, SIZE), evaluate_at=Shape.at(10.52))


def new_host(days=1):
    shape = _build("new_host", "fs_used", days, _disk(lambda d: 0.7 + 0.05 * d),
                   noise=0.002 * SIZE, seed=6, size=lambda d: np.full_like(d, SIZE),
                   evaluate_at=Shape.at(0.25))
    return shape


def gaps_reset(days=20):
    f = _disk(lambda d: np.where(np.abs(d - 12.0) < 1 / 24, 0.0, 0.55 + 0.01 * d))
    return _build("gaps_reset", "fs_used", days, f, noise=0.002 * SIZE, seed=7,
                  keep=lambda rng, n: rng.random(n) >= 0.3,
                  size=lambda d: np.full_like(d, SIZE), evaluate_at=Shape.at(12.1))


def resize(days=30):
    f = _disk(lambda d: 0.60 + 0.015 * d)
    shape = _build("resize", "fs_used", days, f, noise=0.002 * SIZE, seed=8,
                   size=lambda d: np.where(d < 16, SIZE, 2 * SIZE), evaluate_at=Shape.at(18))
    shape.resizes = [Shape.at(16).timestamp()]
    return shape


def weekday_cpu(days=28):
    def cpu(d):
        hour, weekday = (d % 1.0) * 24, np.floor(d) % 7
        busy = np.exp(-((hour - 13.0) ** 2) / 8.0) * np.where(weekday < 5, 45.0, 8.0)
        return 20.0 + 0.2 * d + busy
    return _build("weekday_cpu", "cpu", days, cpu, noise=1.5, seed=9, evaluate_at=Shape.at(21))


def accelerating(days=45):
    f = _disk(lambda d: 0.30 + 0.002 * d + 0.0004 * d * d)
    return _build("accelerating", "fs_used", days, f, noise=0.002 * SIZE, seed=10,
                  size=lambda d: np.full_like(d, SIZE), truth=_cross(f, 0.9 * SIZE, 90),
                  evaluate_at=Shape.at(20))


SHAPES = {f.__name__: f for f in (steady, sawtooth, flat, cleanup, burst, new_host, gaps_reset,
                                  resize, weekday_cpu, accelerating)}


def run(shape: Shape, *, step: timedelta = timedelta(days=1), days: int | None = None,
        start_day: float = 1.0) -> list[str]:
    """Step the forecast and the follow-up decisions over the shape; the ticket events."""
    lead = kind_settings(shape.kind).lead_time
    events, follow_up = [], None
    now, end = Shape.at(start_day), Shape.at(min(days or shape.days, shape.days))
    while now <= end:
        fc = shape.forecast(now)
        keep = shape.t < now.timestamp()
        last = float(shape.last[keep][-1]) if keep.any() else None
        floor = floor_for(shape.kind, threshold=fc.threshold, capacity=shape.capacity(now))
        resized = max([r for r in shape.resizes if r <= now.timestamp()], default=None)
        resized_at = datetime.fromtimestamp(resized, tz=UTC) if resized else None
        d = decide(follow_up=follow_up, fc=fc, last_value=last, floor=floor, lead_time=lead,
                   now=now, resized_at=resized_at)
        day = (now - START) / timedelta(days=1)
        if d.action == OPEN:
            follow_up = OpenFollowUp(now, d.reason, fc.eta_earliest, fc.eta_likely)
            events.append(f"day {day:.2f}: opened ({d.reason}) ETA {eta_range(fc)}")
        elif d.action == NOTICE:
            follow_up = OpenFollowUp(follow_up.opened_at, follow_up.reason, fc.eta_earliest,
                                     fc.eta_likely)
            events.append(f"day {day:.2f}: ETA changed to {eta_range(fc)}")
        elif d.action == TRACK:
            follow_up = OpenFollowUp(follow_up.opened_at, follow_up.reason,
                                     follow_up.eta_earliest, follow_up.eta_likely, d.clear_since)
        elif d.action == RESOLVE:
            follow_up = None
            events.append(f"day {day:.2f}: resolved: {d.message}")
        now += step
    return events
