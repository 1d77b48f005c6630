"""Calendar services: a calendar and its rows are written together, and every change
bumps the calendar's version so cached schedules and cached SLA policies follow."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from itsm.models import BusinessCalendar
from itsm.services.calendars import calendar_delete, calendar_save
from tickets import sla

WEEK = [{"weekday": d, "start": time(9), "end": time(17)} for d in range(5)]
MONDAY_10 = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _office():
    return BusinessCalendar.objects.get(name="Office hours")


def test_an_admin_creates_a_calendar_with_its_periods_and_closed_dates(ada):
    calendar = calendar_save(actor=ada, calendar=BusinessCalendar(name="Berlin",
                                                                    time_zone="Europe/Berlin"),
                             periods=WEEK, closed_dates=[{"date": date(2026, 12, 24),
                                                          "name": "Christmas Eve"}])
    calendar = BusinessCalendar.objects.get(pk=calendar.pk)
    assert [(p.weekday, p.start, p.end) for p in calendar.periods.all()] == [
        (d, time(9), time(17)) for d in range(5)]
    assert list(calendar.closed_dates.values_list("date", "name")) == [
        (date(2026, 12, 24), "Christmas Eve")]


def test_changing_the_periods_rebuilds_the_cached_schedule(ada):
    calendar = _office()
    assert calendar.schedule().add(MONDAY_10, timedelta(hours=8)) == MONDAY_10 + timedelta(
        days=1)  # 7 h on Monday, 1 h on Tuesday from 09:00
    before = calendar.updated_at
    late = [{**p, "end": time(18)} for p in WEEK]
    calendar_save(actor=ada, calendar=calendar, periods=late)
    fresh = _office()
    assert fresh.updated_at > before
    assert fresh.schedule().add(MONDAY_10, timedelta(hours=8)) == MONDAY_10 + timedelta(hours=8)


def test_changing_a_calendar_reaches_the_sla_policies_cached_per_process(ada):
    policy = next(p for p in sla.active_policies() if p.calendar.name == "Office hours")
    calendar_save(actor=ada, calendar=_office(), closed_dates=[{"date": date(2026, 3, 2)}])
    cached = next(p for p in sla.active_policies() if p.pk == policy.pk)
    assert cached.calendar.updated_at == _office().updated_at
    assert not cached.calendar.schedule().is_open(MONDAY_10)


def test_rows_with_an_id_are_kept_unlisted_rows_go_and_new_ones_come(ada):
    calendar = _office()
    monday, tuesday, *_ = calendar.periods.all()
    calendar_save(actor=ada, calendar=calendar, periods=[
        {"id": monday.pk, "weekday": 0, "start": time(8), "end": time(12)},
        {"id": tuesday.pk, "weekday": 1, "start": time(9), "end": time(17)},
        {"weekday": 0, "start": time(13), "end": time(17)},
    ])
    rows = list(calendar.periods.values_list("pk", "weekday", "start", "end"))
    assert rows[:2] == [(monday.pk, 0, time(8), time(12)), (rows[1][0], 0, time(13), time(17))]
    assert rows[1][0] not in (monday.pk, tuesday.pk)
    assert rows[2] == (tuesday.pk, 1, time(9), time(17))
    assert len(rows) == 3


def test_leaving_the_rows_out_changes_only_the_calendar(ada):
    calendar = _office()
    calendar.time_zone = "Europe/Berlin"
    calendar_save(actor=ada, calendar=calendar)
    assert _office().time_zone == "Europe/Berlin"
    assert _office().periods.count() == 5


@pytest.mark.parametrize(("periods", "closed", "field", "message"), [
    ([], None, "periods", "at least one working period"),
    (None, None, "periods", "at least one working period"),
    ([{"weekday": 0, "start": time(9), "end": time(12)},
      {"weekday": 0, "start": time(11), "end": time(13)}], None, "periods",
     "Monday: 09:00–12:00 overlaps the span starting 11:00."),
    (WEEK, [{"date": date(2026, 1, 1)}, {"date": date(2026, 1, 1)}], "closed_dates",
     "A date is listed twice."),
])
def test_bad_calendars_are_refused_naming_the_field(ada, periods, closed, field, message):
    with pytest.raises(ValidationError) as refused:
        calendar_save(actor=ada, calendar=BusinessCalendar(name="Bad"), periods=periods,
                      closed_dates=closed)
    assert message in " ".join(refused.value.message_dict[field])
    assert not BusinessCalendar.objects.filter(name="Bad").exists()


def test_unknown_time_zones_and_holiday_regions_are_refused(ada):
    with pytest.raises(ValidationError) as refused:
        calendar_save(actor=ada, calendar=BusinessCalendar(name="Bad", time_zone="Mars/Base"),
                      periods=WEEK)
    assert "not a known time zone" in str(refused.value.message_dict["time_zone"])
    with pytest.raises(ValidationError) as refused:
        calendar_save(actor=ada, calendar=BusinessCalendar(name="Bad", holiday_country="XX"),
                      periods=WEEK)
    assert "not a country" in str(refused.value.message_dict["holiday_country"])


def test_only_admins_change_calendars_and_tend_itself_may(dee, manny):
    for actor in (dee, manny):
        with pytest.raises(PermissionDenied):
            calendar_save(actor=actor, calendar=_office(), periods=WEEK)
        with pytest.raises(PermissionDenied):
            calendar_delete(actor=actor, calendar=_office())
    assert calendar_save(actor=None, calendar=BusinessCalendar(name="Seeded"), periods=WEEK).pk


def test_a_calendar_is_deleted_with_its_rows_unless_a_policy_uses_it(ada):
    spare = calendar_save(actor=ada, calendar=BusinessCalendar(name="Spare"), periods=WEEK)
    calendar_delete(actor=ada, calendar=spare)
    assert not BusinessCalendar.objects.filter(name="Spare").exists()
    with pytest.raises(ProtectedError):
        calendar_delete(actor=ada, calendar=_office())
