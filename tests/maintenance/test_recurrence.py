"""Recurrence edge cases: month ends, last weekdays, leap days, daylight saving."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from maintenance import recurrence
from maintenance.recurrence import Friendly, Repeat, RuleError, Schedule

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local_days(schedule, after, count):
    return [schedule.local(m).date() for m in schedule.preview(after, count)]


def test_day_31_every_month_skips_months_without_a_31st_as_rfc_5545_says():
    schedule = Schedule("FREQ=MONTHLY;BYMONTHDAY=31", date(2026, 1, 1), time(9, 0), "UTC")
    months = [d.month for d in local_days(schedule, utc(2026, 1, 1), 7)]
    assert months == [1, 3, 5, 7, 8, 10, 12]
    notes = recurrence.caveats("FREQ=MONTHLY;BYMONTHDAY=31", date(2026, 1, 1))
    assert any("skipped" in note and "RFC 5545" in note for note in notes)


def test_the_last_day_of_every_month_is_a_choice_that_skips_nothing():
    schedule = Schedule("FREQ=MONTHLY;BYMONTHDAY=-1", date(2026, 1, 1), time(9, 0), "UTC")
    assert local_days(schedule, utc(2026, 1, 1), 3) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]


def test_last_friday_and_first_monday_of_the_month():
    last_friday = Schedule("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 1, 1), time(9, 0), "UTC")
    assert local_days(last_friday, utc(2026, 1, 1), 3) == [
        date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]
    first_monday = Schedule("FREQ=MONTHLY;BYDAY=1MO", date(2026, 1, 1), time(9, 0), "UTC")
    assert local_days(first_monday, utc(2026, 1, 1), 3) == [
        date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)]


def test_a_leap_day_plan_runs_in_leap_years_only_and_says_so():
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    schedule = Schedule(rule, date(2024, 2, 29), time(9, 0), "UTC")
    assert local_days(schedule, utc(2024, 3, 1), 3) == [
        date(2028, 2, 29), date(2032, 2, 29), date(2036, 2, 29)]
    assert any("leap years" in note for note in recurrence.caveats(rule, date(2024, 2, 29)))


def test_nine_oclock_stays_nine_oclock_local_across_daylight_saving():
    schedule = Schedule("FREQ=DAILY", date(2026, 3, 27), time(9, 0), "Europe/Berlin")
    moments = schedule.preview(utc(2026, 3, 27), 4)
    assert [m.astimezone(BERLIN).hour for m in moments] == [9, 9, 9, 9]
    assert [m.hour for m in moments] == [8, 8, 7, 7]  # CET then CEST, stored in UTC


def test_a_time_in_the_spring_forward_gap_is_due_after_the_gap():
    # 29 March 2026: Berlin clocks jump from 02:00 to 03:00, so 02:30 does not exist.
    schedule = Schedule("FREQ=DAILY", date(2026, 3, 28), time(2, 30), "Europe/Berlin")
    saturday, sunday, monday = schedule.preview(utc(2026, 3, 27), 3)
    assert saturday == utc(2026, 3, 28, 1, 30)
    assert sunday == utc(2026, 3, 29, 1, 30)  # 03:30 summer time: the offset before the gap
    assert sunday.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
    assert monday.astimezone(BERLIN).strftime("%H:%M") == "02:30"
    assert "does not exist" in schedule.clock_caveat(date(2026, 1, 1))


def test_a_time_that_happens_twice_in_autumn_counts_once_the_first_time():
    schedule = Schedule("FREQ=DAILY", date(2026, 10, 24), time(2, 30), "Europe/Berlin")
    moments = schedule.preview(utc(2026, 10, 24), 3)
    assert moments[1] == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, the first of the two
    assert len({m.date() for m in moments}) == 3
    assert "happens twice" in schedule.clock_caveat(date(2026, 8, 1))


def test_until_in_utc_is_honoured_in_the_plan_time_zone():
    schedule = Schedule("FREQ=DAILY;UNTIL=20260104T000000Z", date(2026, 1, 1), time(9, 0),
                        "America/New_York")
    assert len(list(schedule.occurrences(utc(2025, 12, 1)))) == 3


@pytest.mark.parametrize("rule, message", [
    ("", "Enter a recurrence rule"),
    ("FREQ=MINUTELY", "FREQ must be"),
    ("FREQ=WEEKLY;BYDAY=XX", "not a valid RRULE"),
    ("DTSTART:20260101T090000\nRRULE:FREQ=DAILY", "only the RRULE part"),
])
def test_bad_rules_are_refused_with_a_reason(rule, message):
    with pytest.raises(RuleError, match=message):
        Schedule(rule, date(2026, 1, 1), time(9, 0), "UTC").validate()


def test_a_rule_that_can_never_happen_is_refused_instead_of_searched_forever():
    schedule = Schedule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", date(2026, 1, 1), time(9, 0),
                        "UTC")
    with pytest.raises(RuleError, match="no date in the ten years"):
        schedule.validate()


@pytest.mark.parametrize("friendly, rule", [
    (Friendly(Repeat.DAILY, interval=2), "FREQ=DAILY;INTERVAL=2"),
    (Friendly(Repeat.WEEKLY, weekdays=["WE", "MO"]), "FREQ=WEEKLY;BYDAY=MO,WE"),
    (Friendly(Repeat.MONTHLY_DAY, month_day=31), "FREQ=MONTHLY;BYMONTHDAY=31"),
    (Friendly(Repeat.MONTHLY_WEEKDAY, nth=-1, weekday="FR"), "FREQ=MONTHLY;BYDAY=-1FR"),
    (Friendly(Repeat.QUARTERLY, month_day=15), "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"),
    (Friendly(Repeat.YEARLY), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
    (Friendly(Repeat.CUSTOM, custom="rrule: freq=hourly;interval=6"), "FREQ=HOURLY;INTERVAL=6"),
])
def test_the_friendly_form_builds_rules_and_reads_them_back(friendly, rule):
    start = date(2024, 2, 29)
    assert recurrence.build(friendly, start) == rule
    back = recurrence.understand(rule, start)
    assert recurrence.build(back, start) == rule
    assert back.repeat == friendly.repeat


def test_rules_read_as_words():
    start = date(2026, 3, 2)
    assert recurrence.describe("FREQ=MONTHLY;BYDAY=1MO", start) == "Every month on the first Monday"
    assert recurrence.describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", start) == (
        "Every 2 weeks on Monday and Friday")
    assert recurrence.describe("FREQ=HOURLY", start) == "Custom rule FREQ=HOURLY"


@pytest.mark.parametrize("rule", [
    "FREQ=HOURLY;INTERVAL=5", "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR", "FREQ=YEARLY;INTERVAL=3;BYMONTH=6;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTHDAY=31",
])
def test_skipping_ahead_on_old_plans_gives_the_same_moments_as_walking_from_the_start(rule):
    schedule = Schedule(rule, date(2019, 5, 17), time(9, 15), "Europe/Berlin")
    after = utc(2026, 3, 20, 11, 0)
    fast = schedule.preview(after, 6)
    # The slow way: every moment from DTSTART, placed in the zone.
    slow = []
    for local in schedule.rule.xafter(datetime(2019, 5, 16)):
        moment = recurrence.to_utc(local, BERLIN)
        if moment > after:
            slow.append(moment)
        if len(slow) == 6:
            break
    assert fast == slow
    assert recurrence.rebased_start(rule, schedule.dtstart, datetime(2026, 3, 20)) > (
        schedule.dtstart)  # the fast path was taken
