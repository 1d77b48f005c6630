"""Business time on a calendar: a time zone, weekly working spans and closed dates.

`between(a, b)` is the working time in [a, b); `add(a, d)` is the first instant at
which `d` of working time has passed since `a`. Both walk the calendar a day at a
time, so the cost grows with the days spanned, never with minutes.

Spans are local wall-clock times turned into UTC per day, so daylight-saving changes
need no special case: a span that crosses a skipped hour is an hour shorter, one that
crosses a repeated hour is an hour longer, exactly as the clock on the wall.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_CLOSED_DAYS = 400  # more closed days in a row than this: the calendar is broken
MAX_DAYS = 100 * 366
ZERO = timedelta(0)

Span = tuple[time, time | None]  # end None = midnight at the end of the day


class NoOpenTime(ValueError):
    """The calendar has no working time for more than MAX_CLOSED_DAYS days in a row."""


@dataclass(frozen=True)
class Schedule:
    tz: ZoneInfo
    weekly: tuple[tuple[Span, ...], ...]  # Monday .. Sunday, each sorted, not overlapping
    closed: Callable[[date], bool] = lambda day: False

    @classmethod
    def always_open(cls, tz: str = "UTC") -> "Schedule":
        return cls(ZoneInfo(tz), tuple(((time(0), None),) for _ in range(7)))

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of one local date, in UTC, in order."""
        if self.closed(day):
            return []
        out = []
        for start, end in self.weekly[day.weekday()]:
            s = datetime.combine(day, start, tzinfo=self.tz).astimezone(UTC)
            e_local = (datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
                       if end is None else datetime.combine(day, end, tzinfo=self.tz))
            e = e_local.astimezone(UTC)
            if e > s:  # a span inside a skipped DST hour has no length
                out.append((s, e))
        return out

    def _open_days_from(self, instant: datetime):
        """(day, intervals) for each day from `instant`'s local date that has open time."""
        day = instant.astimezone(self.tz).date()
        closed_streak = 0
        for offset in range(MAX_DAYS):
            intervals = self.intervals_on(day + timedelta(days=offset))
            if intervals:
                closed_streak = 0
                yield day + timedelta(days=offset), intervals
            else:
                closed_streak += 1
                if closed_streak > MAX_CLOSED_DAYS:
                    break
        raise NoOpenTime(f"No working time in this calendar for over {MAX_CLOSED_DAYS} days.")

    def between(self, a: datetime, b: datetime) -> timedelta:
        if b <= a:
            return ZERO
        total = ZERO
        last_day = b.astimezone(self.tz).date()
        day = a.astimezone(self.tz).date()
        while day <= last_day:
            for s, e in self.intervals_on(day):
                overlap = min(e, b) - max(s, a)
                if overlap > ZERO:
                    total += overlap
            day += timedelta(days=1)
        return total

    def add(self, a: datetime, duration: timedelta) -> datetime:
        if duration <= ZERO:
            return a
        remaining = duration
        for _day, intervals in self._open_days_from(a):
            for s, e in intervals:
                s = max(s, a)
                if e <= s:
                    continue
                if e - s >= remaining:
                    return s + remaining
                remaining -= e - s
        raise NoOpenTime  # pragma: no cover - _open_days_from raises first

    def next_open(self, a: datetime) -> datetime:
        """`a` if the calendar is open at `a`, else the moment it next opens."""
        for _day, intervals in self._open_days_from(a):
            for s, e in intervals:
                if e > a:
                    return max(s, a)
        raise NoOpenTime  # pragma: no cover

    def is_open(self, a: datetime) -> bool:
        return self.next_open(a) == a


def spans_problems(spans: Sequence[Span]) -> list[str]:
    """What is wrong with one weekday's spans (empty, reversed or overlapping)."""
    problems = []
    ordered = sorted(spans, key=lambda span: span[0])
    for start, end in ordered:
        if end is not None and end <= start:
            problems.append(f"{start:%H:%M}–{end:%H:%M} ends before it starts.")
    for (s1, e1), (s2, _e2) in zip(ordered, ordered[1:], strict=False):
        if e1 is None or s2 < e1:
            problems.append(f"{s1:%H:%M}–{'24:00' if e1 is None else f'{e1:%H:%M}'} overlaps "
                            f"the span starting {s2:%H:%M}.")
    return problems
