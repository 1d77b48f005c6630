"""The problems report's page, CSV files and API on the hand-built week of
tests/reports/fixtures/problems_week.py (1–7 March 2026, now 8 March noon)."""

import csv
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from problems.models import Problem, ProblemIncident, Stage
from tests.reports.api.test_api import api
from tests.reports.fixtures import problems_week
from tests.reports.fixtures.problems_week import NOW, utc
from tickets.models import Kind
from tickets.services.worklog import time_log

pytestmark = pytest.mark.django_db
prb = problems_week.prb  # the week's fixture, offered to these tests
WEEK = {"from": "2026-03-01", "to": "2026-03-07"}
TABLES = ("figures", "incidents", "repeat_incidents", "after_known_error", "open_by_stage",
          "known_errors", "root_cause", "flow", "risk_review", "effort")


def get(client, query=WEEK, name="reports:problems"):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name), query)


def csv_rows(client, table) -> list[list[str]]:
    response = get(client, {**WEEK, "format": "csv", "table": table})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tend-problems-{table}-2026-03-01-2026-03-07.csv"')
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_page_shows_the_figures_charts_and_links_each_record(client_for, manny, prb):
    html = get(client_for(manny)).content.decode()
    assert set(re.findall(r'data-chart="(chart-[a-z-]+)"', html)) == {
        "chart-repeats", "chart-flow", "chart-effort"}
    assert "62.5 %" in html and "5 of 8 incidents" in html and "6 d 6 h" in html
    i2, p1 = prb["i2"], prb["p1"]
    assert f'<a class="ticket-ref" href="/desk/tickets/{i2.ref}/">{i2.ref}</a>' in html
    assert f'>{p1.ticket.ref}</a>' in html
    assert '#repeats">Repeat-incident rate</a>' in html
    assert '"label": "Reference: 50 %", "data": [50, 50, 50, 50, 50, 50, 50]' in html
    assert 'href="/reports/definitions/#problems"' in html
    assert "style=" not in html and not re.search(r"\son[a-z]+=", html)


@pytest.mark.parametrize("table", TABLES)
def test_each_table_downloads_as_csv(client_for, manny, prb, table):
    assert len(csv_rows(client_for(manny), table)) > 1


def test_the_csv_files_reproduce_the_figures(client_for, manny, prb):
    client = client_for(manny)
    assert csv_rows(client, "figures") == [
        ["Figure", "Value", "Counts"],
        ["Repeat-incident rate", "62.5 %", "5 of 8 incidents"],
        ["Incidents explained by a problem", "5", "of 8 incidents"],
        ["Open problems with a known error", "50.0 %", "2 of 4 open problems"],
        ["Mean time to root cause", "6 d 6 h", "2 root causes found"],
        ["Problems opened", "3", ""],
        ["Problems closed", "1", ""],
        ["Incidents after a known error", "2", ""],
        ["Risk accepted, due for review", "1", ""],
        ["Proactive share of effort", "60.0 %", "180 of 300 minutes logged"]]
    incidents = csv_rows(client, "incidents")
    assert incidents[0] == ["Day", "Incidents", "Repeats", "Repeat rate (%)",
                            "Explained by a problem", "After a known error"]
    assert incidents[1:] == [
        ["2026-03-01", "0", "0", "", "0", "0"], ["2026-03-02", "2", "1", "50.0", "2", "0"],
        ["2026-03-03", "1", "1", "100.0", "1", "0"], ["2026-03-04", "1", "1", "100.0", "1", "1"],
        ["2026-03-05", "1", "0", "0.0", "0", "0"], ["2026-03-06", "2", "1", "50.0", "1", "1"],
        ["2026-03-07", "1", "1", "100.0", "0", "0"]]
    root_cause = csv_rows(client, "root_cause")
    assert root_cause[0][-1] == "Time to root cause (seconds)"
    assert [r[-1] for r in root_cause[1:]] == [str(240 * 3600), str(60 * 3600)]
    effort = csv_rows(client, "effort")
    assert [r for r in effort[1:] if r[2] != "0"] == [
        ["2026-03-02", "60", "120", "50.0"], ["2026-03-04", "90", "120", "75.0"],
        ["2026-03-06", "30", "60", "50.0"]]
    assert [r[0] for r in csv_rows(client, "risk_review")[1:]] == [prb["p5"].ticket.ref]
    assert [r[0] for r in csv_rows(client, "after_known_error")[1:]] == [prb["i2"].ref,
                                                                       prb["i7"].ref]


def test_the_api_gives_the_same_figures(manny, prb, network):
    with time_machine.travel(NOW, tick=False):
        body = api(manny).get(reverse("api-report-detail", args=["problems"]), WEEK).json()
        narrowed = api(manny).get(reverse("api-report-detail", args=["problems"]),
                                  {**WEEK, "team": network.pk}).json()
    assert {f["key"]: f["value"] for f in body["summary"]} == {
        "repeat_rate": 62.5, "explained": 5, "known_error_share": 50.0,
        "time_to_root_cause": 150 * 3600.0, "opened": 3, "closed": 1, "after_known_error": 2,
        "risk_review_due": 1, "proactive_effort": 60.0}
    assert {t["name"] for t in body["tables"]} == set(TABLES)
    assert {f["key"]: f["value"] for f in narrowed["summary"]}["after_known_error"] == 1


def test_a_bad_period_is_a_400_with_field_messages(manny):
    response = api(manny).get(reverse("api-report-detail", args=["problems"]),
                              {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 400
    assert "to" in response.json()


def test_the_report_is_for_managers_and_admins(client_for, alice, dee, ada):
    url = reverse("api-report-detail", args=["problems"])
    assert api().get(url).status_code == 401
    assert api(alice).get(url).status_code == 403
    assert api(dee).get(url).status_code == 403
    assert api(ada).get(url).status_code == 200
    assert client_for(dee).get(reverse("reports:problems")).status_code == 403


def more_problems(build, team, dee, n: int) -> None:
    for i in range(n):
        ticket = build(utc(2026, 3, 1 + i % 7, 8), kind=Kind.PROBLEM, title=f"More {i}",
                       team=team)
        problem = Problem.objects.create(
            ticket=ticket, stage=Stage.KNOWN_ERROR if i % 2 else Stage.RISK_ACCEPTED,
            known_error_at=utc(2026, 3, 1, 9), root_cause_at=utc(2026, 3, 7, 9),
            risk_review_on=utc(2026, 3, 1).date(), created_at=ticket.created_at)
        for hour in (10, 11):
            incident = build(utc(2026, 3, 1 + i % 7, hour), title=f"More {i}", team=team)
            ProblemIncident.objects.create(problem=problem, incident=incident)
            time_log(ticket=incident, actor=dee, minutes=15, now=utc(2026, 3, 1 + i % 7, 12))


def queries(client, name, query) -> int:
    with CaptureQueriesContext(connection) as captured, time_machine.travel(NOW, tick=False):
        assert client.get(reverse(name), query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["reports:problems", "reports:dashboard"])
def test_queries_do_not_grow_with_the_data_or_the_buckets(client_for, manny, prb, build, team,
                                                          dee, name):
    client = client_for(manny)
    queries(client, name, WEEK)  # the session is read once
    few = queries(client, name, WEEK)
    if name == "reports:problems":
        assert few <= 20
    more_problems(build, team, dee, 25)
    assert queries(client, name, WEEK) == few
    assert queries(client, name, {"from": "2025-12-08", "to": "2026-03-07"}) == few
