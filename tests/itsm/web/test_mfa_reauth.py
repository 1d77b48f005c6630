"""Sensitive actions ask to re-authenticate unless the person confirmed recently."""

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from itsm.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reauth_on(settings):
    settings.TEND_REAUTH_MINUTES = 10
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 600
    settings.MFA_REAUTHENTICATION_REQUIRED = True


def new_token(client):
    return client.post(reverse("account_tokens"), {"action": "create", "name": "backup",
                                                   "expires": "30"})


def test_a_fresh_sign_in_may_make_a_token(alice):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": "pw"})
    assert new_token(client).status_code == 200
    assert ApiToken.objects.filter(user=alice, name="backup").exists()


def test_making_a_token_later_asks_for_the_password_then_goes_through(alice):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": "pw"})
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        response = new_token(client)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))
        assert not ApiToken.objects.filter(user=alice, name="backup").exists()
        page = client.get(response.url)
        assert page.status_code == 200 and "Confirm it is you" in page.content.decode()
        wrong = client.post(response.url, {"password": "nope"})
        assert wrong.status_code == 200
        assert not ApiToken.objects.filter(user=alice, name="backup").exists()
        done = client.post(response.url, {"password": "pw"})
    # the held POST is replayed: the token is made and shown once
    assert done.status_code == 200 and 'data-testid="new-token"' in done.content.decode()
    assert ApiToken.objects.filter(user=alice, name="backup").exists()
    assert AuditEntry.objects.filter(actor=alice, action="reauthenticated").exists()


def test_a_session_without_a_recent_sign_in_is_asked(alice):
    client = Client()
    client.force_login(alice)  # no password typed in this session
    assert client.get(reverse("account_tokens")).status_code == 200  # reading is fine
    assert new_token(client).url.startswith(reverse("account_reauthenticate"))
    revoke = client.post(reverse("account_tokens"), {"action": "revoke", "token": "1"})
    assert revoke.url == reverse("account_tokens")  # revoking never asks


def test_admin_changes_ask_to_reauthenticate(ada):
    client = Client()
    client.force_login(ada)
    url = reverse("admin:tickets_slapolicy_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_the_decorator_passes_when_turned_off(alice, settings):
    settings.TEND_REAUTH_MINUTES = 0
    client = Client()
    client.force_login(alice)
    assert new_token(client).status_code == 200


def test_sensitive_api_changes_from_the_browser_ask_for_a_recent_confirmation(
        ada, settings, client):
    from tests.factories import api_key

    settings.TEND_REAUTH_MINUTES = 10
    client.post(reverse("login"), {"username": "ada", "password": "pw"})
    body = {"name": "laptop"}
    assert client.post("/api/v1/auth/tokens/", body,
                       content_type="application/json").status_code == 201
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        refused = client.post("/api/v1/auth/tokens/", body, content_type="application/json")
        assert refused.status_code == 403
        assert "Confirm it is you" in refused.json()["detail"]
        assert client.get("/api/v1/auth/tokens/").status_code == 200  # reading stays open
        assert client.post("/api/v1/webhooks/", {}, content_type="application/json"
                           ).status_code == 403
        # A token is its own credential: scripts are not asked.
        key = api_key(ada)
        scripted = Client().post("/api/v1/auth/tokens/", body, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Token {key}")
        assert scripted.status_code == 201
