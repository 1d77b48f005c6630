"""Heartbeat pings: no sign-in, GET or POST, no CSRF, one UPDATE, fast."""

import uuid

import pytest
import time_machine
from django.test import Client

from monitoring.models import Check
from tests.monitoring.helpers import minute


@pytest.fixture
def beat(make_check):
    with time_machine.travel(minute(0), tick=False):
        return make_check(kind="heartbeat", name="Backup", period=3600, grace=300)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_ping_records_success_and_asks_for_an_evaluation(beat, method, django_assert_num_queries):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(minute(10), tick=False), django_assert_num_queries(1):
        response = getattr(client, method)(f"/ping/{beat.uuid}")
    assert response.status_code == 200 and response.content == b"OK\n"
    assert response["Content-Type"].startswith("text/plain")
    beat.refresh_from_db()
    assert (beat.last_ping_at, beat.last_ping_kind, beat.next_run_at) == (
        minute(10), "success", minute(10))


def test_the_trailing_slash_is_optional(beat, client):
    assert client.post(f"/ping/{beat.uuid}/").status_code == 200
    assert client.get(f"/ping/{beat.uuid}/fail/").status_code == 200


def test_start_records_the_start_only(beat, client):
    with time_machine.travel(minute(10), tick=False):
        assert client.post(f"/ping/{beat.uuid}/start").status_code == 200
    beat.refresh_from_db()
    assert beat.last_start_at == minute(10) and beat.last_ping_at is None
    assert beat.next_run_at == minute(65)


def test_fail_marks_the_job_failed(beat, client):
    assert client.get(f"/ping/{beat.uuid}/fail").status_code == 200
    beat.refresh_from_db()
    assert beat.last_ping_kind == "fail"


def test_an_unknown_uuid_is_404(db, client):
    assert client.get(f"/ping/{uuid.uuid4()}").status_code == 404
    assert client.get("/ping/not-a-uuid").status_code == 404


def test_a_ping_for_a_check_that_is_not_a_heartbeat_is_404(make_check, client):
    check = make_check(kind="dns", target="localhost")
    assert client.get(f"/ping/{check.uuid}").status_code == 404
    assert Check.objects.get(pk=check.pk).last_ping_at is None


def test_other_methods_are_refused(beat, client):
    assert client.delete(f"/ping/{beat.uuid}").status_code == 405


def _call(app, path, method="GET"):
    import io

    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(b""),
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
    body = b"".join(app(environ, start_response))
    return seen["status"], body


def test_the_wsgi_fast_path_records_pings_and_leaves_everything_else_to_django(beat):
    from monitoring.web.ping_fast_path import with_fast_pings

    django_calls = []

    def django_app(environ, start_response):
        django_calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"django"]

    app = with_fast_pings(django_app)
    with time_machine.travel(minute(20), tick=False):
        assert _call(app, f"/ping/{beat.uuid}/fail") == ("200 OK", b"OK\n")
    beat.refresh_from_db()
    assert (beat.last_ping_at, beat.last_ping_kind) == (minute(20), "fail")
    assert _call(app, f"/ping/{uuid.uuid4()}", "POST")[0] == "404 Not Found"
    assert _call(app, "/desk/monitoring/")[1] == b"django"
    assert _call(app, f"/ping/{beat.uuid}", "DELETE")[1] == b"django"
    assert django_calls == ["/desk/monitoring/", f"/ping/{beat.uuid}"]


def test_monitoring_registers_its_fast_path_for_the_wsgi_application(beat):
    from itsm.performance import fast_paths

    def django_app(environ, start_response):
        start_response("200 OK", [])
        return [b"django"]

    app = fast_paths.wrap(django_app)  # what itsm/config/wsgi.py serves
    with time_machine.travel(minute(30), tick=False):
        assert _call(app, f"/ping/{beat.uuid}") == ("200 OK", b"OK\n")
    assert Check.objects.get(pk=beat.pk).last_ping_at == minute(30)
    assert _call(app, "/desk/") == ("200 OK", b"django")
