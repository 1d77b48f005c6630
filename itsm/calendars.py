"""Business calendars: working hours per weekday, holidays and closed dates.

Models live in itsm.models; this module turns them into a business_time.Schedule,
cached per calendar version so SLA sweeps do not query the calendar for every ticket.
"""

from datetime import date, time
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import holidays
from django.core.exceptions import ValidationError

from itsm.business_time import Schedule, spans_problems


def validate_time_zone(value: str) -> None:
    if value not in _zones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/Berlin).")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_holiday_region(country: str, subdivision: str) -> None:
    if not country:
        if subdivision:
            raise ValidationError({"holiday_subdivision": "Choose a country first."})
        return
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValidationError({"holiday_country": f"“{country}” is not a country the holidays "
                                                  "package knows (use ISO codes such as DE, US)."})
    if subdivision and subdivision not in supported[country]:
        known = ", ".join(supported[country][:30])
        raise ValidationError({"holiday_subdivision": f"“{subdivision}” is not a subdivision of "
                                                      f"{country} (known: {known})."})


@lru_cache(maxsize=256)
def holiday_dates(country: str, subdivision: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def validate_week(periods) -> None:
    """`periods`: (weekday, start, end) triples; refuses empty, reversed or overlapping spans."""
    by_day: dict[int, list] = {}
    for weekday, start, end in periods:
        by_day.setdefault(weekday, []).append((start, None if end == time(0) else end))
    errors = []
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for weekday, spans in sorted(by_day.items()):
        errors += [f"{names[weekday]}: {problem}" for problem in spans_problems(spans)]
    if errors:
        raise ValidationError(errors)


_schedules: dict[tuple[int, object], Schedule] = {}


def schedule_for(calendar) -> Schedule:
    """The Schedule of a BusinessCalendar row, rebuilt only when the calendar changed."""
    key = (calendar.pk, calendar.updated_at)
    cached = _schedules.get(key)
    if cached is not None:
        return cached
    weekly: list[list] = [[] for _ in range(7)]
    for period in calendar.periods.all():
        weekly[period.weekday].append((period.start, None if period.end == time(0) else period.end))
    closed_extra = frozenset(calendar.closed_dates.values_list("date", flat=True))
    country, subdivision = calendar.holiday_country, calendar.holiday_subdivision

    def closed(day: date) -> bool:
        if day in closed_extra:
            return True
        return bool(country) and day in holiday_dates(country, subdivision, day.year)

    schedule = Schedule(ZoneInfo(calendar.time_zone),
                        tuple(tuple(sorted(spans, key=lambda s: s[0])) for spans in weekly),
                        closed=closed)
    if len(_schedules) > 512:
        _schedules.clear()
    _schedules[key] = schedule
    return schedule
