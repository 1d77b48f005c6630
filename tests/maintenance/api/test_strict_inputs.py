"""The maintenance and patch API takes what its schema says, and the schema says what it takes:
ids as whole numbers, booleans as true/false, decimals and text as strings."""

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from maintenance.models import Advisory, AssetPatch
from tests.maintenance.conftest import utc

ADVISORY = {"identifier": "DSA-7000-1", "title": "curl", "severity": "low",
            "released_on": "2026-01-01"}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def schema(client, dee):
    client.force_login(dee)
    return client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


@pytest.mark.parametrize("query", ["team=1.5", "team=0", "active=maybe", "active=1",
                                   "kind=nonsense"])
def test_plan_filters_refuse_what_is_not_an_id_a_boolean_or_a_kind(dee, plan, query):
    response = api(dee).get(f"/api/v1/maintenance/plans/?{query}")
    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()


def test_plan_filters_take_the_documented_values(dee, plan, team):
    found = api(dee).get(f"/api/v1/maintenance/plans/?active=true&team={team.pk}"
                         "&kind=preventive").json()
    assert [p["id"] for p in found["results"]] == [plan.pk]
    assert api(dee).get("/api/v1/maintenance/plans/?active=false").json()["count"] == 0


def test_upcoming_is_not_filtered_like_the_list(dee, plan, schema):
    response = api(dee).get(f"/api/v1/maintenance/plans/{plan.pk}/upcoming/?active=false")
    assert response.status_code == 200 and len(response.json()) == 10
    upcoming = schema["paths"]["/api/v1/maintenance/plans/{id}/upcoming/"]["get"]
    assert not [p for p in upcoming.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize("path", ["/api/v1/maintenance/windows/?service=0.5",
                                  "/api/v1/patches/asset-patches/?overdue=maybe",
                                  "/api/v1/patches/asset-patches/?asset=x"])
def test_window_and_patch_filters_refuse_bad_values(dee, path):
    assert api(dee).get(path).status_code == 400


def test_a_skipped_or_moved_occurrence_answers_with_its_outcome(dee, plan):
    url = f"/api/v1/maintenance/plans/{plan.pk}/"
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        skipped = api(dee).post(url + "skip/", {"scheduled_for": "2026-03-09T08:00:00Z",
                                                "reason": "Audit week"}, format="json")
        moved = api(dee).post(url + "move/", {"scheduled_for": "2026-03-16T08:00:00Z",
                                              "to": "2026-03-18T08:00:00Z", "reason": "Fair"},
                              format="json")
    assert skipped.json()["outcome"] == "skipped" and moved.json()["outcome"] == "moved"


def test_a_plan_without_compliance_says_null_and_the_schema_allows_it(dee, plan, schema):
    assert api(dee).get(f"/api/v1/maintenance/plans/{plan.pk}/").json()["compliance"] is None
    assert schema["components"]["schemas"]["Plan"]["properties"]["compliance"]["nullable"]


@pytest.mark.parametrize("change, field", [
    ({"fixed_version": 0}, "fixed_version"), ({"title": 5}, "title"),
    ({"cvss": ""}, "cvss"), ({"cvss": 7.5}, "cvss"), ({"cvss": "10.5"}, "cvss"),
    ({"cvss": "-"}, "cvss"), ({"url": 1}, "url"),
])
def test_advisories_refuse_numbers_for_text_and_text_that_is_not_a_decimal(dee, change, field):
    response = api(dee).post("/api/v1/patches/advisories/", {**ADVISORY, **change},
                             format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Advisory.objects.exists()


def test_a_cvss_as_text_in_the_pattern_is_taken(dee, schema):
    response = api(dee).post("/api/v1/patches/advisories/", {**ADVISORY, "cvss": "7.5"},
                             format="json")
    assert response.status_code == 201 and response.json()["cvss"] == "7.5"
    cvss = schema["components"]["schemas"]["AdvisoryRequest"]["properties"]["cvss"]
    assert cvss["type"] == "string" and cvss["pattern"] == r"^(10(\.0)?|\d(\.\d)?)$"


def test_changing_a_patch_state_needs_a_state_and_the_schema_says_so(dee, asset, schema):
    advisory = Advisory.objects.create(identifier="DSA-1", title="x", severity="high",
                                       released_on=utc(2026, 1, 1).date())
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory,
                                      deadline=utc(2026, 1, 31).date())
    response = api(dee).patch(f"/api/v1/patches/asset-patches/{patch.pk}/",
                              {"deferred_until": "2030-01-01"}, format="json")
    assert response.status_code == 400 and "state" in response.json()
    body = schema["paths"]["/api/v1/patches/asset-patches/{id}/"]["patch"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][name]["required"] == ["state"]


def test_an_inventory_says_complete_with_a_boolean(dee, asset):
    response = api(dee).post(f"/api/v1/assets/{asset.pk}/inventory/",
                             {"software": [], "complete": 0}, format="json")
    assert response.status_code == 400 and "complete" in response.json()


def test_the_rule_preview_names_an_unknown_time_zone(dee, schema):
    response = api(dee).post("/api/v1/maintenance/plans/preview/", {
        "rrule": "FREQ=DAILY", "starts_on": "2026-01-01", "at_time": "09:00",
        "time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert response.json()["time_zone"] == [
        "“Mars/Olympus” is not a known time zone (e.g. Europe/Berlin)."]
    zone = schema["components"]["schemas"]["RulePreviewRequest"]["properties"]["time_zone"]
    assert zone["type"] == "string" and "enum" not in zone
