"""SLA configuration over the API: admins write, staff read, bad input is a 400."""

import pytest
from rest_framework.test import APIClient

from itsm.models import BusinessCalendar
from tickets.models import SlaPolicy


def api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


CALENDAR = {
    "name": "New York desk", "time_zone": "America/New_York", "holiday_country": "US",
    "periods": [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)],
    "closed_dates": [{"date": "2026-12-24", "name": "Christmas Eve"}],
}


def test_an_admin_creates_a_calendar_and_a_policy_on_it(ada):
    response = api(ada).post("/api/v1/calendars/", CALENDAR, format="json")
    assert response.status_code == 201, response.json()
    calendar = BusinessCalendar.objects.get(name="New York desk")
    assert calendar.periods.count() == 5 and calendar.closed_dates.count() == 1
    response = api(ada).post("/api/v1/sla-policies/", {
        "name": "NY P2", "kinds": ["incident"], "priorities": [2], "calendar": calendar.pk,
        "response_minutes": 60, "resolution_minutes": 480}, format="json")
    assert response.status_code == 201, response.json()
    assert SlaPolicy.objects.get(name="NY P2").pause_statuses == ["waiting", "on_hold"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"time_zone": "Mars/Olympus"}, "time_zone", "not a known time zone"),
    ({"holiday_country": "XX"}, "holiday_country", "not a country"),
    ({"periods": []}, "periods", "at least one working period"),
    ({"periods": [{"weekday": 0, "start": "09:00", "end": "12:00"},
                  {"weekday": 0, "start": "11:00", "end": "13:00"}]}, "periods", "overlaps"),
    ({"periods": [{"weekday": 0, "start": "12:00", "end": "09:00"}]}, "periods",
     "ends before it starts"),
    ({"name": 42}, "name", "not a number"),
])
def test_bad_calendars_are_refused_with_the_field_named(ada, change, field, message):
    response = api(ada).post("/api/v1/calendars/", {**CALENDAR, **change}, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not BusinessCalendar.objects.filter(name="New York desk").exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"response_minutes": 0}, "response_minutes"),
    ({"resolution_minutes": -10}, "resolution_minutes"),
    ({"warning_percent": 100}, "warning_percent"),
    ({"kinds": ["gossip"]}, "kinds"),
    ({"calendar": 99999}, "calendar"),
    ({"name": 5}, "name"),  # text is text (itsm/api/fields.py)
    ({"is_active": "yes"}, "is_active"),
])
def test_bad_policies_are_refused(ada, change, field):
    calendar = BusinessCalendar.objects.get(name="Office hours")
    body = {"name": "x", "calendar": calendar.pk, "response_minutes": 60,
            "resolution_minutes": 120, **change}
    response = api(ada).post("/api/v1/sla-policies/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_staff_read_configuration_but_only_admins_change_it(dee, manny, alice):
    assert api(dee).get("/api/v1/sla-policies/").status_code == 200
    assert api(manny).get("/api/v1/calendars/").status_code == 200
    assert api(alice).get("/api/v1/calendars/").status_code == 403
    assert api().get("/api/v1/calendars/").status_code in (401, 403)
    assert api(dee).post("/api/v1/calendars/", CALENDAR, format="json").status_code == 403
