"""/api/v1/reports/: the same figures as the pages, for managers only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reports.figures import sla
from reports.params import Filters, Period
from tests.factories import user_key
from tests.reports.conftest import utc
from tickets.models import Status

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {user_key(user)}")
    return client


@pytest.fixture
def resolved(build, team):
    build(utc(2026, 3, 2, 9), team=team, status=Status.RESOLVED,
          resolved_at=utc(2026, 3, 3, 9), response_breached=False, resolution_breached=True)
    build(utc(2026, 3, 4, 9), team=team, status=Status.RESOLVED,
          resolved_at=utc(2026, 3, 4, 12), response_breached=False, resolution_breached=False)


def test_the_list_names_every_report(manny):
    response = api(manny).get(reverse("api-report-list"))
    assert response.status_code == 200
    names = [r["name"] for r in response.json()]
    assert names == ["sla", "times", "volume", "availability", "work", "maintenance",
                     "satisfaction", "workload", "knowledge", "problems", "capacity"]
    assert response.json()[0]["url"].endswith("/api/v1/reports/sla/")


def test_a_report_returns_its_summary_and_tables(manny, resolved, team):
    response = api(manny).get(reverse("api-report-detail", args=["sla"]),
                              {"from": "2026-03-01", "to": "2026-03-31", "team": team.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["from"] == "2026-03-01" and body["period"]["days"] == 31
    assert body["filters"] == {"team": team.pk, "service": None, "kind": None,
                               "priority": None}
    summary = {f["key"]: f["value"] for f in body["summary"]}
    expected = {f.key: f.value for f in sla.build(
        Period(utc(2026, 3, 1).date(), utc(2026, 3, 31).date()), Filters(team=team)).summary}
    assert summary == expected == {"response_percent": 100.0, "resolution_percent": 50.0,
                                   "response_breaches": 0, "resolution_breaches": 1}
    tables = {t["name"]: t for t in body["tables"]}
    assert tables["breaches"]["rows"][0]["resolved_at"].startswith("2026-03-03T09:00")
    assert {c["key"] for c in tables["by_team"]["columns"]} >= {"team", "resolution_percent"}


def test_durations_are_seconds(manny, resolved):
    body = api(manny).get(reverse("api-report-detail", args=["times"]),
                          {"from": "2026-03-01", "to": "2026-03-31"}).json()
    row = next(t for t in body["tables"] if t["name"] == "mttr_by_priority")["rows"][0]
    assert row["mttr_wall_median"] == pytest.approx((24 + 3) / 2 * 3600, rel=0.01)  # ≈
    column = next(c for t in body["tables"] if t["name"] == "mttr_by_priority"
                  for c in t["columns"] if c["key"] == "mttr_wall_median")
    assert column["unit"] == "seconds"


def test_the_dashboard_endpoint_has_previous_values(manny, resolved):
    body = api(manny).get(reverse("api-report-dashboard"),
                          {"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert body["previous_period"]["from"] == "2026-01-29"
    sla_card = next(c for c in body["reports"] if c["report"] == "sla")
    resolution = next(f for f in sla_card["figures"] if f["key"] == "resolution_percent")
    assert (resolution["value"], resolution["previous"], resolution["better"]) == (
        50.0, None, "up")


def test_bad_parameters_are_a_400_with_the_field(manny):
    response = api(manny).get(reverse("api-report-detail", args=["volume"]),
                              {"from": "2026-03-10", "to": "2026-03-01", "priority": 9})
    assert response.status_code == 400
    assert set(response.json()) >= {"to", "priority"}


def test_only_managers_and_admins(dee, alice, ada):
    url = reverse("api-report-detail", args=["sla"])
    assert api().get(url).status_code == 401
    assert api(alice).get(url).status_code == 403
    assert api(dee).get(url).status_code == 403
    assert api(ada).get(url).status_code == 200


def test_an_unknown_report_is_not_found(manny):
    assert api(manny).get("/api/v1/reports/nope/").status_code == 404


def test_the_schema_documents_the_reports():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"/api/v1/reports/", "/api/v1/reports/{name}/", "/api/v1/reports/dashboard/"} <= set(
        schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reports/{name}/"]["get"][
        "parameters"]}
    assert {"from", "to", "preset", "team", "service", "kind", "priority"} <= parameters


def test_the_dashboards_shared_read_gives_each_reports_own_headline(build, team, dee):
    """figures.headline reads each ticket population once for all reports; each report's
    headline_figures reads alone. Both must agree, trends included."""
    from reports.dashboard import headlines
    from reports.registry import REPORTS

    for day in range(1, 28, 3):
        build(utc(2026, 2, day, 9), team=team, status=Status.RESOLVED,
              resolved_at=utc(2026, 2, day + 1, 9), rating=1 + day % 5,
              response_breached=bool(day % 2), resolution_breached=False,
              first_response_at=utc(2026, 2, day, 10 + day % 3))
        build(utc(2026, 3, day, 9), team=team, status=Status.CANCELLED,
              updated_at=utc(2026, 3, day, 12))
        build(utc(2026, 3, day, 9), team=team, assignee=dee)
    march = Period(utc(2026, 3, 1).date(), utc(2026, 3, 31).date())
    now = utc(2026, 4, 10, 12)
    for card in headlines(march, Filters(), now=now):
        alone = REPORTS[card.info.key].headline(march, march.previous(), Filters(), now=now)
        assert [(f.key, f.value, f.previous, f.series) for f in card.figures] == [
            (f.key, f.value, f.previous, f.series) for f in alone], card.info.key
