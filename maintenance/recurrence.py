"""Recurrence: RFC 5545 RRULEs evaluated on wall-clock time in the plan's time zone.

The rule runs on naive local date-times (python-dateutil), and each result is then placed
in the time zone, so 09:00 stays 09:00 local across daylight-saving changes. Local times
that do not exist or happen twice are read the RFC 5545 way (§3.3.5): a time in the
spring-forward gap uses the offset before the gap (02:30 becomes 03:30 summer time), and
a repeated time is the first of the two.

dateutil only yields dates that match the rule, so "day 31 every month" skips months
without a 31st (RFC 5545 §3.3.10) and "29 February every year" runs in leap years only.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil import rrule as du
from django.db import models

SEARCH_YEARS = 10
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
ALLOWED_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
UNTIL_RE = re.compile(r"UNTIL=(\d{8})(?:T(\d{6}))?(Z?)")


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


class RuleError(ValueError):
    """The rule cannot be used; the message says why, for the form or the API."""


class Repeat(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly on chosen days"
    MONTHLY_DAY = "monthly_day", "Monthly on a day number (e.g. the 15th)"
    MONTHLY_WEEKDAY = "monthly_weekday", "Monthly on a weekday (e.g. first Monday)"
    QUARTERLY = "quarterly", "Quarterly (every three months)"
    YEARLY = "yearly", "Yearly on the start date"
    CUSTOM = "custom", "Custom RRULE"


def normalise(text: str) -> str:
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return re.sub(r"\s+", "", text).upper().rstrip(";")


def _parts(text: str) -> dict[str, str]:
    parts = {}
    for chunk in normalise(text).split(";"):
        if "=" in chunk:
            key, _, value = chunk.partition("=")
            parts[key] = value
    return parts


def _localise_until(text: str, tz: ZoneInfo) -> str:
    """dateutil wants UNTIL naive like our DTSTART; a UTC UNTIL (…Z) becomes local time."""

    def fix(match):
        day, clock, utc = match[1], match[2] or "235959", match[3]
        # Naive on purpose: the rule runs on wall-clock time like its DTSTART.
        moment = datetime.strptime(day + clock, "%Y%m%d%H%M%S")  # noqa: DTZ007
        if utc:
            moment = moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
        return f"UNTIL={moment:%Y%m%dT%H%M%S}"

    return UNTIL_RE.sub(fix, text)


@lru_cache(maxsize=8192)
def _parse(text: str, dtstart: datetime, tz_name: str) -> du.rrule:
    # Parsing is the costly part of a sweep over many plans; the result never changes.
    if not text:
        raise RuleError("Enter a recurrence rule.")
    if any(token in text for token in ("DTSTART", "RDATE", "EXDATE", ":", "\n")):
        raise RuleError("Give only the RRULE part, e.g. FREQ=WEEKLY;BYDAY=MO. The start is "
                        "set by the start date and time.")
    freq = _parts(text).get("FREQ")
    if freq not in ALLOWED_FREQS:
        raise RuleError("FREQ must be one of YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY.")
    try:
        rule = du.rrulestr(_localise_until(text, ZoneInfo(tz_name)), dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RuleError(f"This is not a valid RRULE: {exc}.") from exc
    if not isinstance(rule, du.rrule):
        raise RuleError("Give a single RRULE.")
    return rule


DAY_FIXING = ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYEASTER")


def rebased_start(text: str, dtstart: datetime, target: datetime) -> datetime:
    """A later DTSTART that gives the same moments from `target` on, or `dtstart` itself.

    dateutil walks every occurrence from DTSTART; for an hourly plan started two years
    ago that is 17,000 steps per question. Moving DTSTART forward by whole periods
    (a multiple of INTERVAL) keeps every later moment, as long as there is no COUNT and
    the day is not derived from DTSTART (monthly and yearly rules without a BY-day part).
    """
    parts = _parts(text)
    if "COUNT" in parts or target - dtstart < timedelta(days=400):
        return dtstart
    try:
        n = max(1, int(parts.get("INTERVAL", "1")))
    except ValueError:
        return dtstart
    freq = parts.get("FREQ")
    day_fixed = any(key in parts for key in DAY_FIXING)
    if freq == "DAILY":
        return dtstart + timedelta(days=((target - dtstart).days // n - 1) * n)
    if freq == "WEEKLY":
        return dtstart + timedelta(weeks=((target - dtstart).days // 7 // n - 1) * n)
    if freq == "HOURLY":
        hours = int((target - dtstart).total_seconds() // 3600)
        return dtstart + timedelta(hours=(hours // n - 1) * n)
    if freq == "MONTHLY" and day_fixed:
        months = ((target.year - dtstart.year) * 12 + target.month - dtstart.month) // n - 1
        month = dtstart.month - 1 + months * n
        return dtstart.replace(year=dtstart.year + month // 12, month=month % 12 + 1, day=1)
    if freq == "YEARLY" and day_fixed:
        years = ((target.year - dtstart.year) // n - 1) * n
        return dtstart.replace(year=dtstart.year + years, month=1, day=1)
    return dtstart


def to_utc(naive_local: datetime, tz: ZoneInfo) -> datetime:
    # fold=0: a gap time takes the offset before the gap, a repeated time is the first one.
    return naive_local.replace(tzinfo=tz, fold=0).astimezone(UTC)


@dataclass(frozen=True)
class Schedule:
    """A plan's recurrence: rule text, first day, wall-clock time and time zone."""

    rule_text: str
    starts_on: date
    at_time: time
    time_zone: str

    @cached_property
    def tz(self) -> ZoneInfo:
        if self.time_zone not in time_zones():
            raise RuleError(f"“{self.time_zone}” is not a known time zone.")
        return ZoneInfo(self.time_zone)

    @cached_property
    def dtstart(self) -> datetime:
        return datetime.combine(self.starts_on, self.at_time.replace(tzinfo=None, microsecond=0))

    @cached_property
    def text(self) -> str:
        return normalise(self.rule_text)

    @cached_property
    def rule(self) -> du.rrule:
        return _parse(self.text, self.dtstart, self.tz.key)

    def validate(self) -> None:
        """Raise RuleError unless the rule gives a moment within ten years of the start.

        This also guards the sweep: dateutil would search until year 9999 for a rule
        that can never match (e.g. 30 February).
        """
        bound = self.dtstart.replace(year=self.dtstart.year + SEARCH_YEARS, day=1)
        until = min(filter(None, [self.rule._until, bound]))
        probe = self.rule.replace(count=None, until=until)
        if probe.after(self.dtstart, inc=True) is None:
            raise RuleError("This rule gives no date in the ten years after the start date; "
                            "check the day and month.")

    def occurrences(self, after: datetime, *, until: datetime | None = None,
                    limit: int | None = None, inclusive: bool = False) -> Iterator[datetime]:
        """Moments (aware, UTC) after `after` (or at it, if inclusive), up to `until`."""
        tz = self.tz
        # Start a day early in local time: the UTC offset can move a moment across midnight.
        cursor = after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        stop = until.astimezone(tz).replace(tzinfo=None) + timedelta(days=1) if until else None
        given = 0
        start = rebased_start(self.text, self.dtstart, cursor)
        rule = self.rule if start == self.dtstart else _parse(self.text, start, tz.key)
        for local in rule.xafter(cursor):
            if stop is not None and local > stop:
                return
            moment = to_utc(local, tz)
            if moment < after or (moment == after and not inclusive):
                continue
            if until is not None and moment > until:
                continue  # a gap time can land after a later wall-clock time; keep looking
            yield moment
            given += 1
            if limit is not None and given >= limit:
                return

    def next_after(self, after: datetime, *, inclusive: bool = False) -> datetime | None:
        return next(self.occurrences(after, inclusive=inclusive, limit=1), None)

    def preview(self, after: datetime, count: int = 5) -> list[datetime]:
        return list(self.occurrences(after, limit=count))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def clock_caveat(self, today: date) -> str:
        """Say so when the wall-clock time falls into a DST gap or overlap in the next year."""
        tz = self.tz
        today = max(self.starts_on, today)
        for offset in range(0, 366):
            day = today + timedelta(days=offset)
            local = datetime.combine(day, self.dtstart.time())
            first = local.replace(tzinfo=tz, fold=0)
            second = local.replace(tzinfo=tz, fold=1)
            if first.utcoffset() == second.utcoffset():
                continue
            shown = first.astimezone(UTC).astimezone(tz)
            if shown.replace(tzinfo=None) != local:
                return (f"{local:%H:%M} does not exist on {day:%-d %B %Y} in {tz.key} (clocks "
                        f"go forward); that occurrence is due at {shown:%H:%M} instead.")
            return (f"{local:%H:%M} happens twice on {day:%-d %B %Y} in {tz.key} (clocks go "
                    f"back); the first one counts.")
        return ""


@dataclass
class Friendly:
    """The friendly form's fields; `build` turns them into RRULE text, `understand` back."""

    repeat: str = Repeat.WEEKLY
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    month_day: int | None = None
    nth: int | None = None
    weekday: str | None = None
    custom: str = ""


def _every(interval: int, unit: str, plural: str | None = None) -> str:
    return f"every {unit}" if interval == 1 else f"every {interval} {plural or unit + 's'}"


def build(friendly: Friendly, starts_on: date) -> str:
    n = max(1, int(friendly.interval or 1))
    interval = f";INTERVAL={n}" if n > 1 else ""
    start_code = WEEKDAY_CODES[starts_on.weekday()]
    repeat = friendly.repeat
    if repeat == Repeat.DAILY:
        return f"FREQ=DAILY{interval}"
    if repeat == Repeat.WEEKLY:
        days = [d for d in WEEKDAY_CODES if d in (friendly.weekdays or [start_code])]
        return f"FREQ=WEEKLY{interval};BYDAY={','.join(days)}"
    if repeat == Repeat.MONTHLY_DAY:
        return f"FREQ=MONTHLY{interval};BYMONTHDAY={friendly.month_day or starts_on.day}"
    if repeat == Repeat.MONTHLY_WEEKDAY:
        return (f"FREQ=MONTHLY{interval};"
                f"BYDAY={friendly.nth or 1}{friendly.weekday or start_code}")
    if repeat == Repeat.QUARTERLY:
        return f"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY={friendly.month_day or starts_on.day}"
    if repeat == Repeat.YEARLY:
        return f"FREQ=YEARLY{interval};BYMONTH={starts_on.month};BYMONTHDAY={starts_on.day}"
    return normalise(friendly.custom)


def understand(text: str, starts_on: date) -> Friendly:
    """The friendly fields for a stored rule; Custom when it is not one the form builds."""
    parts = _parts(text)
    keys = set(parts) - {"INTERVAL"}
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return Friendly(repeat=Repeat.CUSTOM, custom=normalise(text))
    freq = parts.get("FREQ")
    byday = parts.get("BYDAY", "")
    custom = Friendly(repeat=Repeat.CUSTOM, custom=normalise(text))
    if freq == "DAILY" and keys == {"FREQ"}:
        return Friendly(repeat=Repeat.DAILY, interval=interval)
    if freq == "WEEKLY" and keys == {"FREQ", "BYDAY"}:
        days = byday.split(",")
        if all(d in WEEKDAY_CODES for d in days):
            return Friendly(repeat=Repeat.WEEKLY, interval=interval, weekdays=days)
    if freq == "MONTHLY" and keys == {"FREQ", "BYMONTHDAY"} and re.fullmatch(
            r"-1|[1-9]|[12]\d|3[01]", parts["BYMONTHDAY"]):
        day = int(parts["BYMONTHDAY"])
        if interval == 3:
            return Friendly(repeat=Repeat.QUARTERLY, month_day=day)
        return Friendly(repeat=Repeat.MONTHLY_DAY, interval=interval, month_day=day)
    match = re.fullmatch(r"(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)", byday)
    if freq == "MONTHLY" and keys == {"FREQ", "BYDAY"} and match:
        return Friendly(repeat=Repeat.MONTHLY_WEEKDAY, interval=interval, nth=int(match[1]),
                        weekday=match[2])
    if (freq == "YEARLY" and keys == {"FREQ", "BYMONTH", "BYMONTHDAY"}
            and parts["BYMONTH"] == str(starts_on.month)
            and parts["BYMONTHDAY"] == str(starts_on.day)):
        return Friendly(repeat=Repeat.YEARLY, interval=interval)
    return custom


def _day_words(day: int) -> str:
    return "the last day" if day == -1 else f"day {day}"


def describe(text: str, starts_on: date) -> str:
    """The rule in words, e.g. "Every month on the first Monday"."""
    f = understand(text, starts_on)
    n = f.interval
    if f.repeat == Repeat.DAILY:
        words = _every(n, "day")
    elif f.repeat == Repeat.WEEKLY:
        names = [WEEKDAY_NAMES[WEEKDAY_CODES.index(d)] for d in f.weekdays]
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        words = f"{_every(n, 'week')} on {joined}"
    elif f.repeat == Repeat.MONTHLY_DAY:
        words = f"{_every(n, 'month')} on {_day_words(f.month_day)}"
    elif f.repeat == Repeat.MONTHLY_WEEKDAY:
        weekday = WEEKDAY_NAMES[WEEKDAY_CODES.index(f.weekday)]
        words = f"{_every(n, 'month')} on the {NTH_NAMES[f.nth]} {weekday}"
    elif f.repeat == Repeat.QUARTERLY:
        words = f"every three months on {_day_words(f.month_day)}"
    elif f.repeat == Repeat.YEARLY:
        words = f"{_every(n, 'year')} on {starts_on.day} {MONTH_NAMES[starts_on.month - 1]}"
    else:
        return f"Custom rule {normalise(text)}"
    return words[0].upper() + words[1:]


def caveats(text: str, starts_on: date) -> list[str]:
    """What the rule does that people do not expect, to show before saving."""
    f = understand(text, starts_on)
    notes = []
    if f.repeat in (Repeat.MONTHLY_DAY, Repeat.QUARTERLY) and (f.month_day or 0) >= 29:
        notes.append(f"Months without a day {f.month_day} are skipped (RFC 5545). Choose "
                     "“last day” to run at the end of every month instead.")
    if f.repeat == Repeat.YEARLY and (starts_on.month, starts_on.day) == (2, 29):
        notes.append("Only leap years have a 29 February, so this runs every four years.")
    parts = _parts(text)
    if f.repeat == Repeat.CUSTOM and re.search(r"(^|,)(29|30|31)(,|$)",
                                               parts.get("BYMONTHDAY", "")):
        notes.append("Months without that day are skipped (RFC 5545).")
    return notes
