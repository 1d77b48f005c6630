"""Per-kind defaults of the forecaster: what counts as full, how early to warn, and the
floor below which a series is too empty to be worth a ticket. A series' own `threshold`
overrides the threshold; fs_used thresholds are fractions of the mount's size."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class KindSettings:
    # fs_used: fraction of the fs size; percent kinds: the value itself; None: no threshold.
    threshold: float | None
    lead_time: timedelta
    floor: float  # same scale as threshold (fraction of size for fs_used)
    peak: bool = False  # forecast the weekly peak, not the mean (CPU, memory)
    relative: bool = False  # threshold and floor are fractions of the capacity series


KINDS: dict[str, KindSettings] = {
    "fs_used": KindSettings(0.9, timedelta(days=14), 0.5, relative=True),
    "memory": KindSettings(90.0, timedelta(days=14), 50.0, peak=True),
    "cpu": KindSettings(90.0, timedelta(days=14), 50.0, peak=True),
    "swap": KindSettings(80.0, timedelta(days=7), 40.0),
    "load": KindSettings(None, timedelta(days=14), 0.0, peak=True),
    "network": KindSettings(None, timedelta(days=14), 0.0, peak=True),
    "custom": KindSettings(None, timedelta(days=14), 0.0),
}
DEFAULT = KindSettings(None, timedelta(days=14), 0.0)
# Kinds that are the capacity of another series, never forecast themselves.
NOT_FORECAST = ("fs_size",)


def kind_settings(kind: str) -> KindSettings:
    return KINDS.get(kind, DEFAULT)


def threshold_for(kind: str, *, override: float | None, capacity: float | None) -> float | None:
    """The value that counts as full: the series' override, else the kind's default (for
    fs_used, a fraction of the current size; None while the size is unknown)."""
    if override is not None:
        return override
    conf = kind_settings(kind)
    if conf.threshold is None:
        return None
    if conf.relative:
        return conf.threshold * capacity if capacity else None
    return conf.threshold


def floor_for(kind: str, *, threshold: float | None, capacity: float | None) -> float:
    conf = kind_settings(kind)
    if conf.relative:
        return conf.floor * capacity if capacity else 0.0
    if threshold is not None and conf.threshold:
        return conf.floor * threshold / conf.threshold
    return conf.floor
