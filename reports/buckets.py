"""The buckets a dashboard trend is drawn in: the period cut into days, weeks or months,
the same buckets for every figure so the sparklines line up.

A period of up to a month is cut into days, up to half a year into weeks of seven days
counted from its first day (the last may be shorter), longer ones into calendar months
(the first and last may be partial). Boundaries are local midnights, as for the period.
A query groups its rows by `slot`: BEFORE_SLOT (the previous period), 0…n-1 (the
buckets), and n (after the period: tickets resolved since, for a backlog counted back).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, IntegerField, Value, When

from reports.params import Period, day_start

DAILY_UP_TO = 31  # days
WEEKLY_UP_TO = 26 * 7
BEFORE_SLOT = -1
UNIT_WORDS = {"day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months")}


@dataclass(frozen=True)
class Bucket:
    first_day: date
    last_day: date
    unit: str  # "day", "week" or "month"

    @property
    def start(self) -> datetime:
        return day_start(self.first_day)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return day_start(self.last_day + timedelta(days=1))

    @property
    def label(self) -> str:
        if self.unit == "day":
            return f"{self.first_day:%-d %b}"
        if self.unit == "month":
            return f"{self.first_day:%b %Y}"
        if self.first_day.month == self.last_day.month:
            return f"{self.first_day.day}–{self.last_day:%-d %b}"
        return f"{self.first_day:%-d %b} – {self.last_day:%-d %b}"


def of(period: Period) -> list[Bucket]:
    if period.days <= DAILY_UP_TO:
        return [Bucket(day, day, "day") for day in period.day_list()]
    found, first = [], period.first_day
    while first <= period.last_day:
        if period.days <= WEEKLY_UP_TO:
            last, unit = first + timedelta(days=6), "week"
        else:
            following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
            last, unit = following - timedelta(days=1), "month"
        last = min(last, period.last_day)
        found.append(Bucket(first, last, unit))
        first = last + timedelta(days=1)
    return found


def slot(field: str, period: Period, buckets: list[Bucket]) -> Case:
    """The slot of each row by its moment `field` (rows from the previous period on)."""
    whens = [When(**{f"{field}__lt": period.start}, then=Value(BEFORE_SLOT))]
    whens += [When(**{f"{field}__lt": b.end}, then=Value(n)) for n, b in enumerate(buckets)]
    return Case(*whens, default=Value(len(buckets)), output_field=IntegerField())


def day_slot(period: Period, buckets: list[Bucket], field: str = "day") -> Case:
    """The slot of each fact row by its day `field` (rows from the previous period on): the
    days of the report facts are the local days `slot` cuts moments by. For month rows
    (`field` "month") a month lies wholly inside one slot (reports.facts.span)."""
    whens = [When(**{f"{field}__lt": period.first_day}, then=Value(BEFORE_SLOT))]
    whens += [When(**{f"{field}__lte": b.last_day}, then=Value(n)) for n, b in enumerate(buckets)]
    return Case(*whens, default=Value(len(buckets)), output_field=IntegerField())


def observed(values: list, buckets: list[Bucket], now: datetime) -> list:
    """None for the buckets that have not begun yet (a custom period ending later)."""
    return [None if b.start > now else v for v, b in zip(values, buckets, strict=True)]


def unit_words(buckets: list[Bucket]) -> tuple[str, str]:
    """("day", "days") for the buckets' unit."""
    return UNIT_WORDS[buckets[0].unit if buckets else "day"]
