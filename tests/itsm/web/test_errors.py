"""Errors: JSON `{"detail": …}` for every /api/ path, pages for people, and a 503 with
Retry-After (not a 500) while the database cannot be reached — tried for real by pointing
the connection at a database that is not there."""

import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from tests.factories import api_key, make_ticket

JSON = "application/json"


def _assert_json_detail(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing",
                                  "/api/v1/tickets/x/y/z/"])
def test_unknown_api_paths_are_json_404s(client, path):
    _assert_json_detail(client.get(path), 404)


def test_api_404_for_an_object_is_json(client_for, alice):
    _assert_json_detail(client_for(alice).get("/api/v1/tickets/INC-999999/"), 404)


def test_api_405_is_json(client_for, alice):
    _assert_json_detail(client_for(alice).delete("/api/v1/tickets/"), 405)


def test_unknown_pages_stay_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.itsm.web.failing_urls")
@pytest.mark.parametrize("path", ["/api/v1/fails/", "/api/fails-outside-drf/"])
def test_a_crash_under_api_is_a_json_500(path):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    _assert_json_detail(response, 500)
    assert "bug" not in response.json()["detail"]  # no internals leak


@pytest.mark.urls("tests.itsm.web.failing_urls")
def test_a_crash_on_a_page_is_an_html_500():
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@contextmanager
def database_unreachable(tmp_path):
    """The default connection points at a database that is not there, then comes back.

    Postgres: a port where nothing listens. SQLite: a file in a missing directory (the
    in-memory test database is kept aside: closing it would destroy it)."""
    saved = dict(connection.settings_dict)
    blocker = None
    if connection.vendor == "sqlite":
        raw, connection.connection = connection.connection, None
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "tend.sqlite3")
    else:
        connection.close()
        blocker = socket.socket()
        blocker.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        connection.settings_dict.update(HOST="127.0.0.1", PORT=blocker.getsockname()[1])
    try:
        yield
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        if blocker is None:
            connection.connection = raw
        else:
            blocker.close()
            connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unreachable_database_is_a_503_with_retry_after(tmp_path, dee):
    ticket = make_ticket(dee)
    key = api_key(dee)
    session = Client()
    session.force_login(dee)
    token = Client(HTTP_AUTHORIZATION=f"Token {key}")
    with database_unreachable(tmp_path):
        responses = {
            "token": token.get("/api/v1/tickets/"),
            "session": session.get(f"/api/v1/tickets/{ticket.ref}/"),
            "post": token.post("/api/v1/tickets/", {"title": "x"}, content_type=JSON),
            "page": session.get("/desk/"),
        }
    for name in ("token", "session", "post"):
        _assert_json_detail(responses[name], 503)
        assert responses[name]["Retry-After"] == "5", name
    page = responses["page"]
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert page["Content-Type"].startswith("text/html")
    assert "Tend is briefly unavailable" in page.content.decode()
    # and once the database is back, everything answers again
    assert token.get("/api/v1/tickets/").status_code == 200
    assert session.get("/desk/").status_code == 200
