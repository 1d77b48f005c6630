"""Your API token: listed and revoked by its owner, revoked by any new password."""

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from itsm.services import tokens


def as_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_owner_lists_their_token_without_its_whole_key(alice, bob):
    mine = tokens.token_obtain(actor=alice)
    tokens.token_obtain(actor=bob)
    response = as_token(mine.key).get(reverse("api-tokens"))
    assert response.status_code == 200
    [row] = response.json()
    assert row["key_prefix"] == mine.key[:6]
    assert mine.key not in response.content.decode()
    assert row["created"]


def test_the_owner_revokes_their_token_and_it_stops_working(alice, bob):
    mine = tokens.token_obtain(actor=alice)
    theirs = tokens.token_obtain(actor=bob)
    assert as_token(mine.key).delete(reverse("api-tokens")).status_code == 204
    assert as_token(mine.key).get(reverse("api-ticket-list")).status_code == 401
    assert Token.objects.filter(pk=theirs.pk).exists()
    assert as_token(theirs.key).get(reverse("api-ticket-list")).status_code == 200


def test_a_new_token_after_revoking_is_a_different_key(alice):
    old = tokens.token_obtain(actor=alice).key
    tokens.token_revoke(actor=alice)
    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": "pw"},
                                format="json")
    assert response.status_code == 200
    assert response.json()["token"] != old


def test_only_the_owner_or_an_admin_revokes(alice, bob, ada):
    from django.core.exceptions import PermissionDenied

    tokens.token_obtain(actor=alice)
    with pytest.raises(PermissionDenied):
        tokens.token_revoke(actor=bob, user=alice)
    assert tokens.token_revoke(actor=ada, user=alice) == 1


def test_changing_the_password_on_the_account_page_revokes_the_token(alice, client):
    key = tokens.token_obtain(actor=alice).key
    client.force_login(alice)
    response = client.post(reverse("password_change"), {
        "old_password": "pw", "new_password1": "A-new-long-pass-42",
        "new_password2": "A-new-long-pass-42"})
    assert response.status_code == 302
    assert as_token(key).get(reverse("api-ticket-list")).status_code == 401


def test_resetting_the_password_by_mail_revokes_the_token(alice, client):
    key = tokens.token_obtain(actor=alice).key
    client.post(reverse("password_reset"), {"email": alice.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "A-new-long-pass-42",
                                      "new_password2": "A-new-long-pass-42"})
    assert response.status_code == 302
    assert not Token.objects.filter(key=key).exists()


def test_the_admin_password_form_and_changepassword_revoke_the_token(alice):
    tokens.token_obtain(actor=alice)
    form = AdminPasswordChangeForm(alice, {"password1": "A-new-long-pass-42",
                                           "password2": "A-new-long-pass-42"})
    assert form.is_valid(), form.errors
    form.save()
    assert not Token.objects.filter(user=alice).exists()
    tokens.token_obtain(actor=alice)
    alice.refresh_from_db()
    alice.set_unusable_password()
    alice.save()
    assert not Token.objects.filter(user=alice).exists()


def test_other_saves_and_a_hasher_upgrade_keep_the_token(alice, client, settings):
    key = tokens.token_obtain(actor=alice).key
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
    assert Token.objects.filter(key=key).exists()


def test_the_account_page_creates_shows_and_revokes_a_token(alice, client):
    client.force_login(alice)
    page = client.get(reverse("account_tokens"))
    assert "You have no API token" in page.content.decode()
    page = client.post(reverse("account_tokens"), {"action": "create"})
    key = Token.objects.get(user=alice).key
    assert key in page.content.decode()  # shown once, right after creating it
    page = client.get(reverse("account_tokens"))
    assert key not in page.content.decode() and key[:6] in page.content.decode()
    response = client.post(reverse("account_tokens"), {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=alice).exists()


def test_the_user_menu_links_to_the_token_page(alice, client):
    client.force_login(alice)
    assert reverse("account_tokens") in client.get(reverse("portal:home")).content.decode()


def test_changepassword_command_revokes_the_token(alice, monkeypatch):
    tokens.token_obtain(actor=alice)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "A-new-long-pass-42")
    call_command("changepassword", "alice")
    assert not Token.objects.filter(user=alice).exists()
