"""What a forecast does to a series' capacity ticket, as pure decisions: the sweep
(services/followups.py) and `capacity_simulate` both act on them, so what the simulator
prints is what production does.

Open once when the earliest ETA is inside the lead time and usage is above the floor, or
when usage is over the threshold now (even flat); one timeline entry per material ETA
change; resolve after a resize, or once the forecast has stayed beyond twice the lead
time for a day. Maintenance windows play no part: a forecast is not an alert about now.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from capacity.forecast.model import FULL, LEARNING, Forecast, classify

MATERIAL = 0.2  # of the time left: an ETA that moves less is the same ETA
CLEAR_FOR = timedelta(days=1)
NONE, OPEN, NOTICE, RESOLVE, TRACK = "none", "open", "notice", "resolve", "track"


@dataclass(frozen=True)
class OpenFollowUp:
    opened_at: datetime
    reason: str
    eta_earliest: datetime | None
    eta_likely: datetime | None
    clear_since: datetime | None = None


@dataclass(frozen=True)
class Decision:
    action: str
    message: str = ""
    reason: str = ""  # for OPEN: "forecast" or "threshold"
    clear_since: datetime | None = None


def eta_range(fc: Forecast) -> str:
    def day(at):
        return f"{at:%Y-%m-%d %H:%M}" if at else "not in sight"
    return f"{day(fc.eta_earliest)} – {day(fc.eta_latest)} (likely {day(fc.eta_likely)})"


def _material(old: datetime | None, new: datetime | None, now: datetime,
              lead_time: timedelta) -> bool:
    if old is None or new is None:
        return (old is None) != (new is None)
    left = max(old - now, timedelta(days=1))
    moved = abs(new - old)
    crossed = classify(old, now=now, lead_time=lead_time) != classify(new, now=now,
                                                                      lead_time=lead_time)
    return moved > MATERIAL * left or (crossed and moved > MATERIAL / 4 * left)


def decide(*, follow_up: OpenFollowUp | None, fc: Forecast, last_value: float | None,
           floor: float, lead_time: timedelta, now: datetime,
           resized_at: datetime | None = None) -> Decision:
    """The one thing to do now for a series and its open follow-up (if any)."""
    if follow_up is None:
        if fc.state == FULL:
            return Decision(OPEN, f"Usage is at or over the threshold ({fc.threshold:.4g}) now.",
                            reason="threshold")
        inside = fc.eta_earliest is not None and fc.eta_earliest - now <= lead_time
        if inside and last_value is not None and last_value >= floor:
            return Decision(OPEN, f"Forecast to reach the threshold {eta_range(fc)}.",
                            reason="forecast")
        return Decision(NONE)
    if resized_at is not None and resized_at >= follow_up.opened_at:
        return Decision(RESOLVE, f"Resized at {resized_at:%Y-%m-%d %H:%M}: the forecast starts "
                                 "again from the new size.")
    if fc.state == LEARNING:
        return Decision(NONE)
    beyond = fc.state != FULL and (fc.eta_earliest is None
                                   or fc.eta_earliest - now > 2 * lead_time)
    if beyond:
        since = follow_up.clear_since or now
        if now - since >= CLEAR_FOR:
            return Decision(RESOLVE, "The forecast has stayed beyond twice the lead time "
                                     f"({2 * lead_time.days} days) since "
                                     f"{since:%Y-%m-%d %H:%M}: resolved by Tend.")
        return Decision(TRACK, clear_since=since) if follow_up.clear_since is None else \
            Decision(NONE)
    if follow_up.clear_since is not None:
        return Decision(TRACK, clear_since=None)
    if fc.state != FULL and _material(follow_up.eta_earliest, fc.eta_earliest, now, lead_time):
        return Decision(NOTICE, f"ETA changed: now {eta_range(fc)}.")
    return Decision(NONE)
