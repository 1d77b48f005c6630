"""Query parameters are cleaned once (itsm/filters.py): control characters in a search are a
field message on every list, API and page alike, and a date-time in any offset is a moment
in UTC or a 400 — never a 500 (NUL and offsets such as -20:00 used to reach Postgres)."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from itsm.filters import SafeDateTimeField, clean_search_text, parse_moment

BAD_TEXT = ["%00", "vpn%00down", "%01", "%1B%5B31m", "%7F", "%C2%85"]


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\x07", "\x1b[0m", "\x7f", "\x85"])
def test_control_characters_are_refused(text):
    with pytest.raises(ValidationError):
        clean_search_text(text)


def test_whitespace_controls_become_spaces():
    assert clean_search_text(" vpn\tdrops\r\nagain ") == "vpn drops again"
    assert clean_search_text(None) == ""


@pytest.mark.parametrize("value, expected", [
    ("2026-01-01T00:00:00-20:00", datetime(2026, 1, 1, 20, tzinfo=UTC)),
    ("2026-01-01T10:00:00+14:00", datetime(2025, 12, 31, 20, tzinfo=UTC)),
    ("2026-01-01T10:00:00", datetime(2026, 1, 1, 10, tzinfo=UTC)),
    ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)),
])
def test_moments_are_read_in_utc(value, expected):
    moment = parse_moment(value)
    assert moment == expected and moment.utcoffset().total_seconds() == 0
    if "T" in value:
        assert SafeDateTimeField().clean(value) == expected


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:00",
                                   "2026-13-01T00:00:00Z", "2026-01-01T00:00:00+25:00",
                                   "yesterday", "2026-01-01T00:00\x00"])
def test_impossible_moments_are_a_validation_error(value):
    with pytest.raises(ValidationError):
        parse_moment(value)
    with pytest.raises(ValidationError):
        SafeDateTimeField().clean(value)


@pytest.mark.parametrize("path", ["/api/v1/tickets/", "/api/v1/checks/"])
@pytest.mark.parametrize("text", BAD_TEXT)
def test_a_control_character_in_an_api_search_is_a_400_on_q(dee, path, text):
    client = APIClient()
    client.force_authenticate(dee)
    response = client.get(f"{path}?q={text}")
    assert response.status_code == 400
    assert list(response.json()) == ["q"] and response.json()["q"][0]


@pytest.mark.parametrize("name", ["desk:queue", "monitoring:board", "maintenance:plans",
                                  "maintenance:assets"])
@pytest.mark.parametrize("text", ["%00", "a%1Bb"])
def test_a_control_character_in_a_page_search_is_a_message_not_a_500(client_for, dee, name,
                                                                     text):
    response = client_for(dee).get(f"{reverse(name)}?q={text}")
    assert response.status_code == 200
    assert "control characters" in response.content.decode()


@pytest.mark.parametrize("query", ["start=2026-01-01T00:00:00-20:00",
                                   "end=9999-12-31T23:59:59-23:59", "start=%00"])
def test_monitoring_ranges_take_any_offset_or_say_which_field(dee, query):
    from monitoring.models import Check

    check = Check.objects.create(kind="tcp", name="DB", target="127.0.0.1:5432")
    client = APIClient()
    client.force_authenticate(dee)
    response = client.get(f"/api/v1/checks/{check.pk}/availability/?{query}")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert list(response.json()) == [query.partition("=")[0]]
