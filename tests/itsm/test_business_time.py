"""Business-time arithmetic, on fixed cases worked out by hand and on properties."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itsm.business_time import NoOpenTime, Schedule, spans_problems

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_LUNCH = ((time(8), time(12)), (time(13), time(17)))
OFFICE = tuple(WEEKDAYS_LUNCH if d < 5 else () for d in range(7))
NINE_TO_FIVE = tuple(((time(9), time(17)),) if d < 5 else () for d in range(7))
H = timedelta(hours=1)


def berlin_office(closed=()):
    return Schedule(BERLIN, OFFICE, closed=lambda day: day in set(closed))


def at(tz, *args):
    return datetime(*args, tzinfo=tz)


def test_a_span_crossing_lunch_skips_the_break():
    s = berlin_office()
    start = at(BERLIN, 2026, 3, 2, 11, 0)  # Monday 11:00
    assert s.add(start, 2 * H) == at(BERLIN, 2026, 3, 2, 14, 0)
    assert s.between(start, at(BERLIN, 2026, 3, 2, 14, 0)) == 2 * H


def test_time_added_on_friday_afternoon_lands_on_monday():
    s = berlin_office()
    friday = at(BERLIN, 2026, 3, 6, 16, 0)
    assert s.add(friday, 2 * H) == at(BERLIN, 2026, 3, 9, 9, 0)


def test_a_ticket_created_at_night_starts_counting_when_the_office_opens():
    s = berlin_office()
    night = at(BERLIN, 2026, 3, 3, 22, 30)
    assert s.add(night, 30 * timedelta(minutes=1)) == at(BERLIN, 2026, 3, 4, 8, 30)
    assert s.next_open(night) == at(BERLIN, 2026, 3, 4, 8, 0)
    assert not s.is_open(night)


def test_holidays_and_closed_dates_are_skipped():
    s = berlin_office(closed=[date(2026, 12, 24), date(2026, 12, 25)])
    before = at(BERLIN, 2026, 12, 23, 16, 0)
    # 1 h left on the 23rd, the 24th and 25th closed, weekend, then Monday 28th.
    assert s.add(before, 3 * H) == at(BERLIN, 2026, 12, 28, 10, 0)


def test_a_24x7_calendar_is_wall_clock_time_even_across_dst():
    s = Schedule.always_open("Europe/Berlin")
    start = at(BERLIN, 2026, 3, 28, 12, 0)  # the night of 29 March has 23 hours
    assert s.add(start, 24 * H) == start.astimezone(UTC) + 24 * H
    assert s.between(start, at(BERLIN, 2026, 3, 29, 12, 0)) == 23 * H


@pytest.mark.parametrize(("tz", "day", "hours"), [
    (BERLIN, date(2026, 3, 29), 4),     # spring forward: 02:00 → 03:00 inside 00:00–05:00
    (BERLIN, date(2026, 10, 25), 6),    # fall back: 02:00–03:00 happens twice
    (NEW_YORK, date(2026, 3, 8), 4),
    (NEW_YORK, date(2026, 11, 1), 6),
])
def test_a_night_shift_across_a_dst_change_is_as_long_as_the_wall_clock_says(tz, day, hours):
    shift = tuple(((time(0), time(5)),) for _ in range(7))
    s = Schedule(tz, shift)
    start = datetime.combine(day, time(0), tzinfo=tz)
    assert s.between(start, start + 24 * H) == hours * H


def test_a_calendar_in_another_time_zone_than_the_server():
    s = Schedule(NEW_YORK, NINE_TO_FIVE)
    monday_8_utc = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 04:00 in New York
    assert s.add(monday_8_utc, H) == at(NEW_YORK, 2026, 6, 1, 10, 0)


def test_a_calendar_without_working_time_says_so_instead_of_looping():
    s = Schedule(BERLIN, tuple(() for _ in range(7)))
    with pytest.raises(NoOpenTime):
        s.add(at(BERLIN, 2026, 1, 1, 0, 0), H)


def test_span_problems_name_overlaps_and_reversed_spans():
    assert spans_problems([(time(8), time(12)), (time(13), time(17))]) == []
    assert spans_problems([(time(8), time(12)), (time(11), time(17))])
    assert spans_problems([(time(12), time(8))])
    assert spans_problems([(time(20), None), (time(22), time(23))])


CALENDARS = {
    "berlin-office": berlin_office(closed=[date(2026, 12, 25), date(2027, 1, 1)]),
    "new-york-9-5": Schedule(NEW_YORK, NINE_TO_FIVE),
    "utc-24x7": Schedule.always_open("UTC"),
    "berlin-nights": Schedule(BERLIN, tuple(((time(22), None),) for _ in range(7))),
}
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),
                        timezones=st.just(UTC))
durations = st.integers(min_value=1, max_value=400 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(CALENDARS)), start=instants, duration=durations)
def test_adding_then_measuring_gives_the_duration_back(name, start, duration):
    s = CALENDARS[name]
    end = s.add(start, duration)
    assert s.between(start, end) == duration


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(CALENDARS)), start=instants, duration=durations)
def test_a_result_never_lands_in_closed_time(name, start, duration):
    s = CALENDARS[name]
    end = s.add(start, duration)
    local = end.astimezone(s.tz).date()
    spans = [iv for day in (local - timedelta(days=1), local) for iv in s.intervals_on(day)]
    assert any(lo < end <= hi for lo, hi in spans)
