"""Your API tokens: named, made (shown once), listed, revoked one by one or all; they
expire, may be read-only, and any new password revokes them."""

from datetime import timedelta

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from itsm.models import ApiToken
from itsm.services import tokens

TICKETS = "/api/v1/tickets/"


def as_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def live(user):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def test_a_token_made_by_api_is_shown_once_and_stored_only_as_its_hash(alice):
    _, first = tokens.token_obtain(actor=alice)
    response = as_token(first).post(reverse("api-tokens"), {
        "name": "backup script", "read_only": True,
        "expires_at": (timezone.now() + timedelta(days=30)).isoformat()}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Cache-Control"] == "no-store"
    key = body["token"]
    assert key.startswith("tend_") and body["prefix"] == key[:12] and body["read_only"]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == tokens.token_hash(key) and key not in str(vars(stored))
    listed = as_token(key).get(reverse("api-tokens"))
    assert [t["name"] for t in listed.json()] == ["backup script", "Password exchange"]
    assert key not in listed.content.decode() and "token" not in listed.json()[0]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "name"), ({"name": ""}, "name"), ({"name": 12}, "name"),
    ({"name": "x" * 81}, "name"), ({"name": "x", "read_only": "yes"}, "read_only"),
    ({"name": "x", "expires_at": "2000-01-01T00:00:00Z"}, "expires_at"),
    ({"name": "x", "expires_at": "soon"}, "expires_at"),
])
def test_a_bad_token_request_is_a_400_naming_the_field(client_for, alice, body, field):
    client = APIClient()
    client.force_authenticate(alice)
    response = client.post(reverse("api-tokens"), body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ApiToken.objects.exists()


def test_revoking_one_token_leaves_the_others_working(alice, bob):
    _, mine = tokens.token_create(actor=alice, name="laptop")
    other, spare = tokens.token_create(actor=alice, name="cron")
    _, theirs = tokens.token_create(actor=bob, name="bob's")
    assert as_token(mine).delete(f"/api/v1/auth/tokens/{other.pk}/").status_code == 204

    assert as_token(spare).get(TICKETS).status_code == 401
    assert as_token(spare).get(TICKETS).json()["detail"] == "This token was revoked."
    assert as_token(mine).get(TICKETS).status_code == 200
    assert as_token(theirs).get(TICKETS).status_code == 200
    bobs = ApiToken.objects.get(user=bob)
    assert as_token(mine).delete(f"/api/v1/auth/tokens/{bobs.pk}/").status_code == 404


def test_delete_on_the_list_revokes_all_of_yours(alice, bob):
    _, mine = tokens.token_create(actor=alice, name="a")
    tokens.token_create(actor=alice, name="b")
    _, theirs = tokens.token_create(actor=bob, name="c")
    assert as_token(mine).delete(reverse("api-tokens")).status_code == 204
    assert not live(alice).exists() and as_token(theirs).get(TICKETS).status_code == 200


def test_an_expired_token_is_a_401_that_says_so(alice):
    token, key = tokens.token_create(actor=alice, name="short",
                                     expires_at=timezone.now() + timedelta(minutes=5))
    assert as_token(key).get(TICKETS).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    response = as_token(key).get(TICKETS)
    assert response.status_code == 401 and response.json()["detail"] == "This token expired."
    assert tokens.tokens_of(alice) == []


def test_a_read_only_token_reads_and_changes_nothing(dee):
    _, key = tokens.token_create(actor=dee, name="dashboard", read_only=True)
    assert as_token(key).get(TICKETS).status_code == 200
    response = as_token(key).post(TICKETS, {"title": "x", "description": "y"}, format="json")
    assert response.status_code == 403 and "read-only" in response.json()["detail"]
    assert as_token(key).delete(reverse("api-tokens")).status_code == 403
    assert live(dee).count() == 1


def test_last_used_is_recorded_at_most_once_a_minute(alice, django_assert_num_queries):
    token, key = tokens.token_create(actor=alice, name="x")
    as_token(key).get(TICKETS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    as_token(key).get(TICKETS)
    token.refresh_from_db()
    assert token.last_used_at == first


def test_a_person_has_at_most_fifty_live_tokens(alice):
    for i in range(tokens.MAX_LIVE):
        tokens.token_create(actor=alice, name=f"t{i}")
    with pytest.raises(ValidationError, match="revoke one"):
        tokens.token_create(actor=alice, name="one more")


def test_obtain_by_password_makes_a_new_named_token_each_time(alice):
    keys = [APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": "pw",
                                                     "name": "deploy"},
                             format="json").json()["token"] for _ in range(2)]
    assert keys[0] != keys[1]
    assert list(live(alice).values_list("name", flat=True)) == ["deploy", "deploy"]


def test_only_the_owner_or_an_admin_revokes(alice, bob, ada):
    token, _ = tokens.token_create(actor=alice, name="x")
    with pytest.raises(PermissionDenied):
        tokens.token_revoke(actor=bob, token=token)
    with pytest.raises(PermissionDenied):
        tokens.tokens_revoke_all(actor=bob, user=alice)
    assert tokens.token_revoke(actor=ada, token=token) is True
    assert tokens.token_revoke(actor=ada, token=token) is False


def test_changing_the_password_on_the_account_page_revokes_the_tokens(alice, client):
    _, key = tokens.token_obtain(actor=alice)
    client.force_login(alice)
    response = client.post(reverse("password_change"), {
        "old_password": "pw", "new_password1": "A-new-long-pass-42",
        "new_password2": "A-new-long-pass-42"})
    assert response.status_code == 302
    assert as_token(key).get(TICKETS).status_code == 401


def test_resetting_the_password_by_mail_revokes_the_tokens(alice, client):
    tokens.token_obtain(actor=alice)
    client.post(reverse("password_reset"), {"email": alice.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "A-new-long-pass-42",
                                      "new_password2": "A-new-long-pass-42"})
    assert response.status_code == 302
    assert not live(alice).exists()


def test_the_admin_password_form_and_an_unusable_password_revoke_the_tokens(alice):
    tokens.token_obtain(actor=alice)
    form = AdminPasswordChangeForm(alice, {"password1": "A-new-long-pass-42",
                                           "password2": "A-new-long-pass-42"})
    assert form.is_valid(), form.errors
    form.save()
    assert not live(alice).exists()
    tokens.token_obtain(actor=alice)
    alice.refresh_from_db()
    alice.set_unusable_password()
    alice.save()
    assert not live(alice).exists()


def test_other_saves_and_a_hasher_upgrade_keep_the_tokens(alice, client, settings):
    _, key = tokens.token_obtain(actor=alice)
    alice.job_title = "Analyst"
    alice.save()
    client.post(reverse("login"), {"username": "alice", "password": "pw"})  # last_login
    # A newer hasher re-hashes the same password on sign-in: not a password change.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    alice.refresh_from_db()
    before = alice.password
    assert alice.check_password("pw")
    alice.refresh_from_db()
    assert alice.password != before
    assert as_token(key).get(TICKETS).status_code == 200


def test_a_deactivated_account_s_tokens_stop_working(alice):
    _, key = tokens.token_obtain(actor=alice)
    alice.is_active = False
    alice.save()
    response = as_token(key).get(TICKETS)
    assert response.status_code == 401 and "deactivated" in response.json()["detail"]


def test_the_account_page_makes_shows_once_and_revokes_a_token(alice, client):
    client.force_login(alice)
    page = client.get(reverse("account_tokens"))
    assert "You have no API token" in page.content.decode()
    page = client.post(reverse("account_tokens"), {"action": "create", "name": "backup",
                                                   "expires": "30", "read_only": "on"})
    html = page.content.decode()
    token = ApiToken.objects.get(user=alice)
    key = html.split('data-testid="new-token">')[1].split("<")[0]
    assert tokens.token_hash(key) == token.key_hash and page["Cache-Control"] == "no-store"
    assert token.read_only and token.expires_at.date() == (
        timezone.now() + timedelta(days=30)).date()
    again = client.get(reverse("account_tokens")).content.decode()
    assert key not in again and token.prefix in again and "read-only" in again

    bad = client.post(reverse("account_tokens"), {"action": "create", "name": " "})
    assert bad.status_code == 400 and "Name the token" in bad.content.decode() or \
        "This field is required" in bad.content.decode()
    response = client.post(reverse("account_tokens"), {"action": "revoke",
                                                       "token": str(token.pk)}, follow=True)
    assert "was revoked" in response.content.decode() and not live(alice).exists()


def test_the_user_menu_links_to_the_token_page(alice, client):
    client.force_login(alice)
    assert reverse("account_tokens") in client.get(reverse("portal:home")).content.decode()


def test_changepassword_command_revokes_the_tokens(alice, monkeypatch):
    tokens.token_obtain(actor=alice)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "A-new-long-pass-42")
    call_command("changepassword", "alice")
    assert not live(alice).exists()


def test_the_upgrade_keeps_each_drf_token_working_as_a_named_one(alice):
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    old = Token.objects.create(user=alice)
    upgrade = importlib.import_module("itsm.migrations.0004_api_tokens")
    upgrade.keep_existing_tokens(apps, None)

    assert not Token.objects.exists()
    token = ApiToken.objects.get(user=alice)
    assert token.name == "API token" and token.key_hash == tokens.token_hash(old.key)
    assert as_token(old.key).get(TICKETS).status_code == 200
