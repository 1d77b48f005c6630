"""Calendar admin: saves and deletes go through itsm.services.calendars, so an edited
calendar keeps its untouched rows, gets a new version, and the history says what changed."""

from datetime import time

from django.contrib.admin.models import LogEntry
from django.urls import reverse

from itsm.models import BusinessCalendar


def _office():
    return BusinessCalendar.objects.get(name="Office hours")


def _change_post(calendar, **overrides):
    periods = list(calendar.periods.all())
    data = {
        "name": calendar.name, "time_zone": calendar.time_zone, "holiday_country": "",
        "holiday_subdivision": "",
        "periods-TOTAL_FORMS": str(len(periods)), "periods-INITIAL_FORMS": str(len(periods)),
        "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0",
    }
    for i, period in enumerate(periods):
        data.update({f"periods-{i}-id": str(period.pk), f"periods-{i}-calendar": str(calendar.pk),
                     f"periods-{i}-weekday": str(period.weekday),
                     f"periods-{i}-start": f"{period.start:%H:%M}",
                     f"periods-{i}-end": f"{period.end:%H:%M}"})
    data.update(overrides)
    return data


def test_editing_a_calendar_keeps_untouched_rows_and_bumps_its_version(client_for, ada):
    calendar = _office()
    before = calendar.updated_at
    ids = list(calendar.periods.values_list("pk", flat=True))
    response = client_for(ada).post(
        reverse("admin:itsm_businesscalendar_change", args=[calendar.pk]),
        _change_post(calendar, **{
            "periods-0-end": "12:00", "periods-4-DELETE": "on",
            "periods-TOTAL_FORMS": "6", "periods-5-weekday": "5", "periods-5-start": "10:00",
            "periods-5-end": "14:00",
            "closed_dates-TOTAL_FORMS": "1", "closed_dates-0-date": "2026-12-24",
            "closed_dates-0-name": "Christmas Eve"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = _office()
    assert calendar.updated_at > before
    rows = list(calendar.periods.values_list("pk", "weekday", "start", "end"))
    assert rows[:4] == [(ids[0], 0, time(9), time(12)), *[
        (ids[d], d, time(9), time(17)) for d in (1, 2, 3)]]
    assert rows[4][1:] == (5, time(10), time(14)) and len(rows) == 5
    assert list(calendar.closed_dates.values_list("name", flat=True)) == ["Christmas Eve"]
    history = LogEntry.objects.filter(object_id=str(calendar.pk)).latest("action_time")
    message = history.get_change_message()
    assert "Added working period" in message and "Deleted working period" in message


def test_saving_an_unchanged_calendar_keeps_its_rows(client_for, ada):
    calendar = _office()
    ids = list(calendar.periods.values_list("pk", flat=True))
    response = client_for(ada).post(
        reverse("admin:itsm_businesscalendar_change", args=[calendar.pk]), _change_post(calendar))
    assert response.status_code == 302
    assert list(_office().periods.values_list("pk", flat=True)) == ids


def _add(client, name):
    response = client.post(reverse("admin:itsm_businesscalendar_add"), {
        "name": name, "time_zone": "UTC", "holiday_country": "", "holiday_subdivision": "",
        "periods-TOTAL_FORMS": "1", "periods-INITIAL_FORMS": "0", "periods-0-weekday": "0",
        "periods-0-start": "09:00", "periods-0-end": "17:00",
        "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    return BusinessCalendar.objects.get(name=name)


def test_deleting_calendars_in_the_admin_one_or_several_at_once(client_for, ada):
    client = client_for(ada)
    spare = _add(client, "Spare")
    response = client.post(reverse("admin:itsm_businesscalendar_delete", args=[spare.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not BusinessCalendar.objects.filter(name="Spare").exists()
    pks = [_add(client, "Spare 2").pk, _add(client, "Spare 3").pk]
    response = client.post(reverse("admin:itsm_businesscalendar_changelist"),
                           {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert response.status_code == 302
    assert not BusinessCalendar.objects.filter(pk__in=pks).exists()
