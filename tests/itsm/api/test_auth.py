"""API authentication: tokens for machines, sessions (with CSRF) for the browser."""

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from itsm.models import ApiToken
from itsm.services.tokens import token_hash
from itsm.web.limits import LoginLimiter, PasswordResetLimiter, limit_name
from tests.factories import api_key
from tickets.models import Ticket

TOKEN_URL = "/api/v1/auth/token/"


def obtain(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_good_credentials_get_a_token_that_works_as_a_header(alice):
    response = obtain(APIClient(), "alice", "pw")
    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiToken.objects.get(key_hash=token_hash(key)).user == alice
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api-ticket-list")).status_code == 200


def test_bad_credentials_are_a_400_without_a_token(alice):
    for username, password in (("alice", "wrong"), ("nobody", "pw"), ("", "")):
        response = obtain(APIClient(), username, password)
        assert response.status_code == 400
        assert "token" not in response.json()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", [[None, None], "dee", 5])
def test_a_body_that_is_not_an_object_is_a_400_not_a_500(body):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_too_many_failures_are_a_429_even_with_the_right_password(alice, settings):
    settings.TEND_LOGIN_ATTEMPTS = 3
    client = APIClient()
    for _ in range(3):
        assert obtain(client, "alice", "wrong").status_code == 400
    response = obtain(client, "alice", "pw")
    assert response.status_code == 429
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_an_unknown_or_inactive_users_token_is_a_401(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get(reverse("api-ticket-list")).status_code == 401
    key = api_key(alice)
    alice.is_active = False
    alice.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api-ticket-list")).status_code == 401


def test_a_session_needs_a_csrf_token_for_unsafe_methods(alice):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(reverse("api-ticket-list")).status_code == 200
    response = client.post(reverse("api-ticket-list"), {"title": "No token"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Ticket.objects.exists()

    request = RequestFactory().get("/")
    masked = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    response = client.post(reverse("api-ticket-list"), {"title": "With token"}, format="json",
                           HTTP_X_CSRFTOKEN=masked)
    assert response.status_code == 201
    assert Ticket.objects.get().title == "With token"


def test_a_token_needs_no_csrf_token(alice):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(alice)}")
    response = client.post(reverse("api-ticket-list"), {"title": "From a script"},
                           format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("variant", [" dee", "dee\t", "  dee  ", "DEE", "\tDee", "ｄｅｅ"])
def test_the_token_lockout_holds_for_every_spelling_of_the_username(dee, settings, variant):
    settings.TEND_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        assert obtain(APIClient(), "dee", "wrong").status_code == 400
    response = obtain(APIClient(), variant, "pw")
    assert response.status_code == 429
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("variant", [" dee", "dee\t", "DEE"])
def test_failures_under_any_spelling_count_against_the_same_account(dee, settings, variant):
    settings.TEND_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        obtain(APIClient(), variant, "wrong")
    assert obtain(APIClient(), "dee", "pw").status_code == 429


def test_the_web_and_api_limits_share_one_count(dee, settings):
    settings.TEND_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": " DEE\t", "password": "wrong"})
    assert obtain(APIClient(), "dee", "pw").status_code == 429
    response = Client().post(reverse("login"), {"username": "dee", "password": "pw"})
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_a_padded_username_still_signs_in_as_its_owner(dee):
    assert obtain(APIClient(), " dee\t", "pw").status_code == 200
    assert ApiToken.objects.get().user == dee


@pytest.mark.parametrize("raw, expected", [(" dee", "dee"), ("dee\t", "dee"), ("DEE", "dee"),
                                           ("ｄｅｅ", "dee"), ("\u00a0dee\u00a0", "dee")])
def test_one_normalising_function_keys_every_limiter(raw, expected):
    assert limit_name(raw) == expected
    assert LoginLimiter(None, raw).keys[0] == LoginLimiter(None, "dee").keys[0]
    assert (PasswordResetLimiter(None, raw).keys[0]
            == PasswordResetLimiter(None, "dee").keys[0])
