"""Durations as people read them: one rounding rule (half up) for every page, mail and
timeline, so a 20 s outage reads "20 s" and 89.5 s reads "2 min", never truncated."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float) -> int:
    """0.5 goes up (away from zero), unlike round()'s banker's rounding or int()'s cut."""
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def seconds_of(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def human(value: timedelta | float, *, days_too: bool = True) -> str:
    """"1 d 2 h 5 min", to the nearest minute; business durations pass days_too=False
    ("26 h 5 min"), since a business day is not 24 hours."""
    minutes = round_half_up(seconds_of(value) / 60)
    days, minutes = divmod(minutes, 24 * 60) if days_too else (0, minutes)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes or not (days or hours) else ""]
    return " ".join(p for p in parts if p)


def short(value: timedelta | float) -> str:
    """Compact, for outages and states: "20 s" under two minutes, "5 min" under two hours,
    "2 h 3 min" under two days, then "3 days"; each to the nearest unit shown."""
    raw = seconds_of(value)
    seconds = round_half_up(raw)
    if seconds < 120:
        return f"{seconds} s"
    minutes = round_half_up(raw / 60)  # from the exact value: no double rounding
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 2 * 24 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{round_half_up(raw / 86400)} days"
