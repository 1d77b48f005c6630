"""Signed-in answers are not cached; sessions end after idle time and a maximum age."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import api_key, make_ticket

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["portal:home", "desk:queue", "password_change",
                                  "account_tokens", "api-ticket-list"])
def test_every_signed_in_answer_is_no_store(dee, client, name):
    client.force_login(dee)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_token_api_answers_are_no_store(alice):
    key = api_key(alice)
    response = Client().get(reverse("api-ticket-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_pages_and_a_views_own_policy_are_left_alone(alice, client):
    assert "Cache-Control" not in client.get(reverse("password_reset")).headers
    ticket = make_ticket(alice, files=[SimpleUploadedFile("a.txt", b"x")])
    client.force_login(alice)
    response = client.get(reverse("attachment", args=[ticket.attachments.get().pk]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_idle_session_ends(alice, settings):
    settings.TEND_SESSION_IDLE_MINUTES = 60
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(alice)
        assert client.get(reverse("portal:home")).status_code == 200
        clock.move_to(START + timedelta(minutes=59))
        assert client.get(reverse("portal:home")).status_code == 200  # activity renews
        clock.move_to(START + timedelta(minutes=59 + 59))
        assert client.get(reverse("portal:home")).status_code == 200
        clock.move_to(START + timedelta(minutes=59 + 59 + 61))
        response = client.get(reverse("portal:home"))
        assert response.status_code == 302 and reverse("login") in response.url
        assert "_auth_user_id" not in client.session


def test_a_session_ends_at_its_maximum_age_however_active(alice, settings):
    settings.TEND_SESSION_IDLE_MINUTES = 60
    settings.SESSION_COOKIE_AGE = 3 * 3600
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(alice)
        for minutes in range(0, 180, 30):
            clock.move_to(START + timedelta(minutes=minutes))
            assert client.get(reverse("portal:home")).status_code == 200
        clock.move_to(START + timedelta(minutes=181))
        assert client.get(reverse("portal:home")).status_code == 302


def test_the_last_request_is_noted_at_most_once_a_minute(alice):
    from django.contrib.sessions.backends.cached_db import SessionStore

    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(alice)
        client.get(reverse("portal:home"))
        saved = SessionStore(client.session.session_key).load()["_tend_seen"]
        clock.move_to(START + timedelta(seconds=30))
        client.get(reverse("portal:home"))
        assert SessionStore(client.session.session_key).load()["_tend_seen"] == saved
        clock.move_to(START + timedelta(seconds=90))
        client.get(reverse("portal:home"))
        assert SessionStore(client.session.session_key).load()["_tend_seen"] != saved
