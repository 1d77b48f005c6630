"""Bad SLA configuration is refused in the admin with a clear message."""

from django.urls import reverse

from itsm.models import BusinessCalendar


def _calendar_post(**overrides):
    data = {
        "name": "Berlin office", "time_zone": "Europe/Berlin", "holiday_country": "DE",
        "holiday_subdivision": "BY",
        "periods-TOTAL_FORMS": "2", "periods-INITIAL_FORMS": "0",
        "periods-0-weekday": "0", "periods-0-start": "08:00", "periods-0-end": "12:00",
        "periods-1-weekday": "0", "periods-1-start": "13:00", "periods-1-end": "17:00",
        "closed_dates-TOTAL_FORMS": "0", "closed_dates-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_an_admin_can_make_a_calendar_with_a_lunch_break(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"), _calendar_post())
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Berlin office")
    assert calendar.periods.count() == 2


def test_overlapping_spans_are_refused_naming_the_day(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"),
                                    _calendar_post(**{"periods-1-start": "11:00"}))
    assert response.status_code == 200
    assert "Monday: 08:00–12:00 overlaps the span starting 11:00." in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Berlin office").exists()


def test_a_calendar_without_working_time_is_refused(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"),
                                    _calendar_post(**{"periods-TOTAL_FORMS": "0"}))
    assert "needs at least one working period" in response.content.decode()


def test_unknown_time_zones_and_holiday_regions_are_refused(client_for, ada):
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"), _calendar_post(
        time_zone="Europe/Atlantis", holiday_country="XX"))
    body = response.content.decode()
    assert "is not a known time zone" in body
    assert "is not a country the holidays package knows" in body
    response = client_for(ada).post(reverse("admin:itsm_businesscalendar_add"),
                                    _calendar_post(holiday_subdivision="ZZ"))
    assert "is not a subdivision of DE" in response.content.decode()


def test_zero_or_negative_targets_are_refused(client_for, ada):
    calendar = BusinessCalendar.objects.get(name="Office hours")
    base = {"name": "Broken", "order": "1", "is_active": "on", "calendar": calendar.pk,
            "warning_percent": "75", "pause_statuses": ["waiting"]}
    client = client_for(ada)
    response = client.post(reverse("admin:tickets_slapolicy_add"),
                           {**base, "response_minutes": "0", "resolution_minutes": "60"})
    assert "The response target must be at least one minute." in response.content.decode()
    response = client.post(reverse("admin:tickets_slapolicy_add"),
                           {**base, "response_minutes": "-5", "resolution_minutes": "60"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(reverse("admin:tickets_slapolicy_add"),
                           {**base, "response_minutes": "60", "resolution_minutes": "30",
                            "warning_percent": "100"})
    body = response.content.decode()
    assert "Resolution cannot be due before the first response." in body
    assert "between 1 and 99" in body
