"""/api/v1/checks/ and /api/v1/availability/."""

import pytest
import time_machine
from rest_framework.test import APIClient

from monitoring.models import Check, CheckStateChange
from monitoring.services.spans import spans_rebuild
from tests.monitoring.helpers import T0, minute, run_series


@pytest.fixture
def api():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_a_dse_creates_changes_and_deletes_a_check(api, dee, service):
    client = api(dee)
    response = client.post("/api/v1/checks/", {
        "kind": "tcp", "name": "DB port", "target": "127.0.0.1:5432", "service": service.pk,
        "interval": 30}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "unknown" and body["next_run_at"]
    response = client.patch(f"/api/v1/checks/{body['id']}/", {"interval": 5}, format="json")
    assert response.status_code == 400 and "interval" in response.json()
    response = client.patch(f"/api/v1/checks/{body['id']}/", {"interval": 20}, format="json")
    assert response.json()["interval"] == 20
    assert client.delete(f"/api/v1/checks/{body['id']}/").status_code == 204
    assert not Check.objects.exists()


def test_a_metadata_target_is_refused(api, dee):
    response = api(dee).post("/api/v1/checks/", {
        "kind": "http", "name": "x", "target": "http://169.254.169.254/"}, format="json")
    assert response.status_code == 400 and "metadata" in str(response.json()["target"])


def test_managers_read_but_do_not_write_and_end_users_see_nothing(api, manny, alice,
                                                                   make_check):
    check = make_check(kind="http", target="http://user:pw@127.0.0.1:9/")
    listing = api(manny).get("/api/v1/checks/").json()
    assert listing["results"][0]["target"] == "http://127.0.0.1:9/"  # no credentials
    assert api(manny).post(f"/api/v1/checks/{check.pk}/pause/").status_code == 403
    assert api(alice).get("/api/v1/checks/").status_code == 403


def test_pause_and_resume(api, dee, make_check):
    check = make_check(kind="dns", target="localhost")
    assert api(dee).post(f"/api/v1/checks/{check.pk}/pause/").json()["state"] == "paused"
    assert api(dee).post(f"/api/v1/checks/{check.pk}/resume/").json()["state"] == "unknown"


def test_results_state_changes_and_availability_by_range(api, dee, make_check, http_target):
    with time_machine.travel(T0, tick=False):
        check = make_check(target=http_target.url, failure_threshold=1, recovery_threshold=1)
    run_series(check, 0, 10)
    http_target.set("unhealthy")
    run_series(check, 10, 5)
    http_target.set("healthy")
    run_series(check, 15, 5)
    client = api(dee)
    results = client.get(f"/api/v1/checks/{check.pk}/results/",
                         {"start": minute(10).isoformat(), "end": minute(15).isoformat()}).json()
    assert [r["outcome"] for r in results["results"]] == ["down"] * 5
    changes = client.get(f"/api/v1/checks/{check.pk}/state-changes/",
                         {"start": T0.isoformat(), "end": minute(20).isoformat()}).json()
    assert [c["to_state"] for c in changes["results"]][-3:] == ["up", "down", "up"]
    found = client.get(f"/api/v1/checks/{check.pk}/availability/",
                       {"start": minute(0).isoformat(), "end": minute(20).isoformat()}).json()
    assert found["down_seconds"] == 300 and found["availability"] == pytest.approx(0.75)
    many = client.get("/api/v1/availability/", {"check": [check.pk], "start": "2026-03-09",
                                                 "end": minute(20).isoformat()}).json()
    assert many[0]["id"] == check.pk and many[0]["down_seconds"] == 300
    assert client.get("/api/v1/availability/").status_code == 400
    assert client.get(f"/api/v1/checks/{check.pk}/results/",
                      {"start": "yesterday"}).status_code == 400


def test_service_availability(api, manny, make_check, service):
    check = make_check(kind="dns", target="localhost", service=service)
    CheckStateChange.objects.create(owner=check, from_state="unknown", to_state="down",
                                    at=minute(0))
    CheckStateChange.objects.create(owner=check, from_state="down", to_state="up",
                                    at=minute(30))
    spans_rebuild([check.pk])
    found = api(manny).get("/api/v1/availability/", {
        "service": service.pk, "start": minute(0).isoformat(),
        "end": minute(60).isoformat()}).json()
    assert found[0]["down_seconds"] == 1800


def test_the_schema_documents_the_monitoring_endpoints(api, dee):
    schema = api(dee).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in ("/api/v1/checks/", "/api/v1/checks/{id}/pause/",
                 "/api/v1/checks/{id}/results/", "/api/v1/checks/{id}/state-changes/",
                 "/api/v1/checks/{id}/availability/", "/api/v1/availability/"):
        assert path in paths, path
