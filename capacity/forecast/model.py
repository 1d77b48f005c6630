"""What a forecast says: a state, an ETA range, the slope with its interval, the window."""

from dataclasses import dataclass
from datetime import datetime, timedelta

LEARNING, OK, WARNING, CRITICAL, FULL = "learning", "ok", "warning", "critical", "full"
STATES = (LEARNING, OK, WARNING, CRITICAL, FULL)


@dataclass(frozen=True)
class Forecast:
    state: str
    reason: str = ""
    eta_earliest: datetime | None = None
    eta_likely: datetime | None = None
    eta_latest: datetime | None = None
    slope: float | None = None  # units per day
    slope_low: float | None = None
    slope_high: float | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    threshold: float | None = None
    level: float | None = None  # the fitted level now (the weekly peak for peak kinds)
    peak: float | None = None  # peak kinds: the expected peak of the coming week


def classify(eta_earliest: datetime | None, *, now: datetime, lead_time: timedelta) -> str:
    """warning inside the lead time, critical inside a third of it, else ok."""
    if eta_earliest is None:
        return OK
    left = eta_earliest - now
    if left <= lead_time / 3:
        return CRITICAL
    if left <= lead_time:
        return WARNING
    return OK
