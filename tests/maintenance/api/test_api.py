"""The maintenance and patch API: roles, validation, actions, query budgets, schema."""

from datetime import timedelta, timezone

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from maintenance.models import (
    Advisory,
    AssetPatch,
    MaintenancePlan,
    MaintenanceWindow,
    Occurrence,
)
from maintenance.services import generation
from tests.factories import AssetFactory
from tests.maintenance.conftest import make_plan, utc

PLAN = {"title": "Firewall rule review", "kind": "health_audit", "rrule": "FREQ=MONTHLY;BYDAY=1MO",
        "starts_on": "2026-03-01", "at_time": "10:00", "time_zone": "Europe/Berlin",
        "expected_duration": "02:00:00", "lead_time": "3 00:00:00",
        "steps": [{"text": "Export the rules"}, {"text": "Review", "requires_result": True}]}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_support_engineers_create_plans_and_managers_only_read(dee, manny, alice, team):
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        response = api(dee).post("/api/v1/maintenance/plans/", {**PLAN, "team": team.pk},
                                 format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["schedule"] == "Every month on the first Monday"
    assert body["next_occurrence_at"] == "2026-03-02T09:00:00Z"
    assert [s["text"] for s in body["steps"]] == ["Export the rules", "Review"]
    plan_url = f"/api/v1/maintenance/plans/{body['id']}/"
    assert api(manny).get(plan_url).status_code == 200
    assert api(manny).patch(plan_url, {"title": "x"}, format="json").status_code == 403
    assert api(manny).post("/api/v1/maintenance/plans/", PLAN, format="json").status_code == 403
    assert api(alice).get("/api/v1/maintenance/plans/").status_code == 403


@pytest.mark.parametrize("change, field", [
    ({"rrule": "FREQ=MONTHLY;BYMONTHDAY=30;BYMONTH=2"}, "rrule"),
    ({"rrule": "FREQ=SECONDLY"}, "rrule"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"title": "  "}, "title"),
    ({"expected_duration": "00:00:00"}, "expected_duration"),
    ({"steps": [{"text": ""}]}, "steps"),
])
def test_bad_plans_are_a_400_with_field_messages(dee, change, field):
    response = api(dee).post("/api/v1/maintenance/plans/", {**PLAN, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not MaintenancePlan.objects.exists()


def test_an_assignee_outside_the_team_is_refused(dee, team, bob):
    response = api(dee).post("/api/v1/maintenance/plans/",
                             {**PLAN, "team": team.pk, "assignee": bob.pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()


def test_the_rule_preview_endpoint(dee):
    with time_machine.travel(utc(2026, 1, 1), tick=False):
        response = api(dee).post("/api/v1/maintenance/plans/preview/", {
            "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "starts_on": "2024-02-29",
            "at_time": "09:00", "time_zone": "UTC"}, format="json")
    body = response.json()
    assert body["occurrences"][:2] == ["2028-02-29T09:00:00Z", "2032-02-29T09:00:00Z"]
    assert any("leap years" in c for c in body["caveats"])


def test_skip_and_move_through_the_api(plan, dee, manny):
    url = f"/api/v1/maintenance/plans/{plan.pk}/"
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        response = api(dee).post(url + "skip/", {"scheduled_for": "2026-03-09T08:00:00Z",
                                                 "reason": "Audit week"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "skipped"
        response = api(dee).post(url + "move/", {"scheduled_for": "2026-03-16T08:00:00Z",
                                                 "to": "2026-03-18T08:00:00Z"}, format="json")
        assert response.status_code == 400 and "reason" in response.json()
        assert api(manny).post(url + "skip/", {"scheduled_for": "2026-03-16T08:00:00Z",
                                               "reason": "x"}, format="json").status_code == 403
        upcoming = api(dee).get(url + "upcoming/").json()
    assert [u["status"] for u in upcoming[:3]] == ["planned", "skipped", "planned"]
    occurrences = api(dee).get("/api/v1/maintenance/occurrences/?status=skipped").json()
    assert occurrences["results"][0]["reason"] == "Audit week"


def test_windows_through_the_api(dee, manny, service):
    body = {"reason": "Mail upgrade", "starts_at": "2026-04-01T20:00:00Z",
            "ends_at": "2026-04-01T22:00:00Z", "services": [service.pk]}
    assert api(manny).post("/api/v1/maintenance/windows/", body, format="json"
                           ).status_code == 403
    response = api(dee).post("/api/v1/maintenance/windows/", body, format="json")
    assert response.status_code == 201
    window = MaintenanceWindow.objects.get()
    assert window.created_by == dee
    bad = api(dee).patch(f"/api/v1/maintenance/windows/{window.pk}/",
                         {"ends_at": "2026-04-01T19:00:00Z"}, format="json")
    assert bad.status_code == 400 and "ends_at" in bad.json()
    found = api(manny).get("/api/v1/maintenance/windows/?open_at=2026-04-01T21:00:00Z").json()
    assert [w["id"] for w in found["results"]] == [window.pk]


def test_patch_states_through_the_api(dee, manny, asset):
    advisory = Advisory.objects.create(identifier="DSA-1", title="x", severity="high",
                                       released_on=utc(2026, 1, 1).date())
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory,
                                      deadline=utc(2026, 1, 31).date(),
                                      due_on=utc(2026, 1, 31).date())
    url = f"/api/v1/patches/asset-patches/{patch.pk}/"
    assert api(manny).patch(url, {"state": "installed"}, format="json").status_code == 403
    response = api(dee).patch(url, {"state": "deferred"}, format="json")
    assert response.status_code == 400 and "deferred_until" in response.json()
    response = api(dee).patch(url, {"state": "installed"}, format="json")
    assert response.json()["state"] == "installed" and response.json()["due_on"] is None
    listed = api(manny).get("/api/v1/patches/asset-patches/?advisory=DSA-1").json()
    assert listed["results"][0]["advisory"] == "DSA-1"


def test_compliance_figures(manny, asset, service):
    AssetFactory(name="clean-01", service=service)
    advisory = Advisory.objects.create(identifier="DSA-1", title="x", severity="critical",
                                       released_on=utc(2026, 1, 1).date())
    AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=utc(2026, 1, 8).date(),
                              due_on=utc(2026, 1, 8).date())
    with time_machine.travel(utc(2026, 1, 20), tick=False):
        body = api(manny).get("/api/v1/patches/compliance/").json()
    assert body["overall"] == {"id": None, "name": "All assets", "assets": 2,
                               "with_overdue": 1, "percent": 50.0}
    assert body["by_service"][0]["name"] == "Email"
    assert body["by_team"][0]["name"] == "Service Desk"
    critical = body["overdue_by_severity"][0]
    assert (critical["severity"], critical["total"], critical["buckets"]) == (
        "critical", 1, [0, 1, 0, 0])  # 12 days overdue


@pytest.mark.parametrize("path", ["/api/v1/maintenance/plans/",
                                  "/api/v1/maintenance/occurrences/",
                                  "/api/v1/maintenance/windows/",
                                  "/api/v1/patches/asset-patches/"])
def test_api_lists_cost_the_same_queries_for_3_or_30_rows(dee, team, path,
                                                           django_assert_max_num_queries):
    def grow(n):
        start = MaintenancePlan.objects.count()
        for i in range(start, start + n):
            host = AssetFactory(name=f"h-{i}")
            make_plan(dee, title=f"P{i}", team=team, assets=[host], creates_window=True)
            advisory = Advisory.objects.create(identifier=f"DSA-{i}", title="x",
                                               severity="low",
                                               released_on=utc(2026, 1, 1).date())
            AssetPatch.objects.create(asset=host, advisory=advisory,
                                      deadline=utc(2026, 6, 1).date())
        generation.occurrences_generate(now=utc(2026, 3, 1, 12))

    client = api(dee)
    grow(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    grow(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(path).json()["results"]) >= 30


def test_the_schema_documents_the_maintenance_endpoints(client, alice):
    from django.urls import reverse

    client.force_login(alice)  # signed-in only unless TEND_API_DOCS_PUBLIC
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    for path in ["/api/v1/maintenance/plans/", "/api/v1/maintenance/plans/{id}/skip/",
                 "/api/v1/maintenance/plans/{id}/move/", "/api/v1/maintenance/plans/preview/",
                 "/api/v1/maintenance/occurrences/", "/api/v1/maintenance/windows/{id}/",
                 "/api/v1/patches/advisories/", "/api/v1/patches/asset-patches/{id}/",
                 "/api/v1/patches/compliance/", "/api/v1/assets/{id}/inventory/"]:
        assert path in paths, path
    assert "post" in paths["/api/v1/assets/{id}/inventory/"]


@pytest.mark.parametrize("path", ["/api/v1/maintenance/plans/", "/api/v1/maintenance/windows/",
                                  "/api/v1/patches/compliance/", "/api/v1/assets/1/inventory/"])
def test_anonymous_callers_are_told_to_authenticate(db, path):
    client = APIClient()
    assert client.get(path).status_code in (401, 403)
    response = client.get(path, HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


ADVISORY = {"identifier": "DSA-5555-1", "title": "openssl security update",
            "severity": "high", "released_on": "2026-01-01", "cve_ids": ["CVE-2023-5678"]}


def test_advisories_through_the_api_move_deadlines_and_refuse_duplicates(dee, manny, asset):
    response = api(dee).post("/api/v1/patches/advisories/", ADVISORY, format="json")
    assert response.status_code == 201, response.content
    url = f"/api/v1/patches/advisories/{response.json()['id']}/"
    again = api(dee).post("/api/v1/patches/advisories/", ADVISORY, format="json")
    assert again.status_code == 400 and "identifier" in again.json()
    assert api(manny).post("/api/v1/patches/advisories/", {**ADVISORY, "identifier": "USN-1"},
                           format="json").status_code == 403
    advisory = Advisory.objects.get()
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory,
                                      deadline=utc(2026, 1, 31).date())
    response = api(dee).patch(url, {"severity": "critical"}, format="json")
    assert response.status_code == 200 and response.json()["severity"] == "critical"
    patch.refresh_from_db()
    assert patch.deadline == utc(2026, 1, 8).date()  # critical: seven days


def test_deleting_a_plan_through_the_api_keeps_its_work_items(plan, dee, manny):
    from tickets.models import Kind, Ticket

    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    url = f"/api/v1/maintenance/plans/{plan.pk}/"
    assert api(manny).delete(url).status_code == 403
    assert api(dee).delete(url).status_code == 204
    assert not MaintenancePlan.objects.exists()
    assert Ticket.objects.filter(kind=Kind.MAINTENANCE).count() == 1


def test_a_duplicate_identifier_is_a_400_on_post_put_and_patch(dee):
    first = api(dee).post("/api/v1/patches/advisories/", ADVISORY, format="json")
    other = api(dee).post("/api/v1/patches/advisories/", {**ADVISORY, "identifier": "USN-1"},
                          format="json")
    assert first.status_code == other.status_code == 201
    url = f"/api/v1/patches/advisories/{other.json()['id']}/"
    responses = [api(dee).post("/api/v1/patches/advisories/", ADVISORY, format="json"),
                 api(dee).put(url, ADVISORY, format="json"),
                 api(dee).patch(url, {"identifier": "DSA-5555-1"}, format="json")]
    for response in responses:
        assert response.status_code == 400, response.content
        assert response.json() == {"identifier": ["An advisory with this identifier already "
                                                  "exists."]}
    assert api(dee).patch(url, {"identifier": "USN-1"}, format="json").status_code == 200


@pytest.mark.parametrize("query", ["due_after=2026-01-01T00:00:00-20:00",
                                   "due_before=9999-12-31T23:59:59-23:59",
                                   "due_after=0001-01-01T00:00:00%2B23:00",
                                   "due_after=2026-13-01T00:00:00Z", "due_after=%00"])
def test_date_time_filters_never_fail_past_a_400(dee, query):
    response = api(dee).get(f"/api/v1/maintenance/occurrences/?{query}")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert list(response.json()) == [query.partition("=")[0]]


def test_a_date_time_filter_with_any_offset_means_that_moment_in_utc(dee, plan):
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    due = Occurrence.objects.get().due_at
    just_after = (due + timedelta(seconds=1)).astimezone(timezone(timedelta(hours=-20)))
    query = f"?due_before={just_after.isoformat().replace('+', '%2B')}"
    assert len(api(dee).get(f"/api/v1/maintenance/occurrences/{query}").json()["results"]) == 1
    query = query.replace("due_before", "due_after")
    assert api(dee).get(f"/api/v1/maintenance/occurrences/{query}").json()["results"] == []
