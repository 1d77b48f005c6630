"""How raw figure values read on a page, in a CSV file and in the weekly mail."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from itsm.durations import round_half_up
from reports import tables as t
from reports.buckets import unit_words
from tickets.sla import human

DASH = "—"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def duration(seconds: float | None, *, business: bool = False) -> str:
    if seconds is None:
        return DASH
    if 0 < seconds < 60:
        return "< 1 min"
    # Business durations in hours: a business day is not 24 hours.
    return human(timedelta(seconds=seconds), days_too=not business)


def minutes(value: float | None) -> str:
    if value is None:
        return DASH
    if value < 60:
        return f"{value:g} min"
    # Hours, not days: time logged reads as work hours, downtime as hours down.
    return human(timedelta(minutes=value), days_too=False)


def number(value, decimals: int = 1) -> str:
    if value is None:
        return DASH
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return f"{value:,.{decimals}f}".replace(",", "\u202f")


def display(value, kind: str) -> str:
    """Text for a page or an e-mail."""
    if value is None or value == "":
        return DASH if kind != t.TEXT else ""
    if kind == t.PERCENT:
        decimals = 3 if 99.9 <= value < 100 else 1
        return f"{value:.{decimals}f} %"
    if kind == t.SECONDS:
        return duration(value)
    if kind == t.BUSINESS:
        return duration(value, business=True)
    if kind == t.MINUTES:
        return minutes(value)
    if kind == t.INT:
        return number(int(value))
    if kind == t.FLOAT:
        return number(value, 2 if 0 < abs(value) < 1 else 1)
    if kind == t.RATING:
        return f"{value:g} ★" if isinstance(value, int) else f"{value:.2f} ★"
    if kind == t.DATETIME and isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
    if kind == t.MONTH and isinstance(value, date):
        return f"{value:%b %Y}"
    if kind == t.DATE and isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)


def change(figure: t.Figure) -> str:
    """The change against the previous period, in the figure's unit ("+3.2 pts")."""
    delta = figure.change
    if delta is None:
        return ""
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    size = abs(delta)
    if figure.kind == t.PERCENT:
        return f"{sign}{size:.1f} pts"
    if figure.kind in (t.SECONDS, t.BUSINESS):
        return f"{sign}{duration(size, business=figure.kind == t.BUSINESS)}"
    if figure.kind == t.MINUTES:
        return f"{sign}{minutes(size)}"
    if figure.kind in (t.FLOAT, t.RATING):
        return f"{sign}{size:.2f}"
    return f"{sign}{number(int(size))}"


def csv_header(column: t.Column) -> str:
    unit = {t.SECONDS: " (seconds)", t.BUSINESS: " (business seconds)", t.MINUTES: " (minutes)",
            t.PERCENT: " (%)"}.get(column.kind, "")
    return column.label + unit


def csv_value(value, kind: str):
    """A raw value for a spreadsheet: numbers stay numbers, text is made formula-safe."""
    if value is None:
        return ""
    if kind in (t.SECONDS, t.BUSINESS) and isinstance(value, int | float):
        # Whole seconds: exact for a 20 s outage and a 3-day resolution alike (hours with
        # two decimals read 0.00 for everything under 36 s).
        return round_half_up(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m}" if kind == t.MONTH else value.isoformat()
    return formula_safe(str(value))


def formula_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def series_summary(figure: t.Figure, buckets: list) -> str:
    """A sparkline in words, for screen readers: "Tickets created per day over 30 days:
    rising from 12 to 18 (low 5, high 20)"."""
    one, many = unit_words(buckets)
    known = [(b, v) for b, v in zip(buckets, figure.series or [], strict=False) if v is not None]
    head = f"{figure.label} per {one} over {len(buckets)} {many if len(buckets) != 1 else one}"
    if not known:
        return f"{head}: no data yet"

    def shown(value) -> str:
        return display(value, figure.kind)

    if len(known) == 1:
        (bucket, value), = known
        return f"{head}: only {bucket.label} has data, {shown(value)}"
    first, last = known[0][1], known[-1][1]
    low, high = min(v for _b, v in known), max(v for _b, v in known)
    if abs(high - low) < 1e-9:
        words = f"{head}: level at {shown(first)}"
    else:
        if abs(last - first) < 1e-9:
            words = f"{head}: from {shown(first)} and back to {shown(last)}"
        else:
            words = (f"{head}: {'rising' if last > first else 'falling'} from "
                     f"{shown(first)} to {shown(last)}")
        words += f" (low {shown(low)}, high {shown(high)})"
    missing = len(buckets) - len(known)
    if missing:
        words += f"; no data for {missing} {one if missing == 1 else many}"
    return words
