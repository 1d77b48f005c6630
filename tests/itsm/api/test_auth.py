"""API authentication: tokens for machines, sessions (with CSRF) for the browser."""

from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets.models import Ticket

TOKEN_URL = "/api/v1/auth/token/"


def obtain(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_good_credentials_get_a_token_that_works_as_a_header(alice):
    response = obtain(APIClient(), "alice", "pw")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(key=key).user == alice
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api-ticket-list")).status_code == 200
    assert obtain(APIClient(), "alice", "pw").json()["token"] == key


def test_bad_credentials_are_a_400_without_a_token(alice):
    for username, password in (("alice", "wrong"), ("nobody", "pw"), ("", "")):
        response = obtain(APIClient(), username, password)
        assert response.status_code == 400
        assert "token" not in response.json()
    assert not Token.objects.exists()


def test_too_many_failures_are_a_429_even_with_the_right_password(alice, settings):
    settings.TEND_LOGIN_ATTEMPTS = 3
    client = APIClient()
    for _ in range(3):
        assert obtain(client, "alice", "wrong").status_code == 400
    response = obtain(client, "alice", "pw")
    assert response.status_code == 429
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_an_unknown_or_inactive_users_token_is_a_401(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get(reverse("api-ticket-list")).status_code == 401
    token = Token.objects.create(user=alice)
    alice.is_active = False
    alice.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    response = client.post(reverse("api-ticket-list"), {"title": "From a script"},
                           format="json")
    assert response.status_code == 201
