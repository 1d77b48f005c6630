"""The knowledge report's page, CSV files, API and dashboard card, on the hand-built week of
tests/reports/knowledge_week.py (1–7 March 2026, now 8 March noon)."""

import csv
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge import services
from tests.knowledge.conftest import make_article
from tests.reports.api.test_api import api
from tests.reports.conftest import utc
from tests.reports.knowledge_week import NOW

pytestmark = pytest.mark.django_db
WEEK = {"from": "2026-03-01", "to": "2026-03-07"}
TABLES = ("deflection", "solved_by", "helpfulness", "reasons", "tickets", "linked_articles",
          "searches", "review")


def get(client, name, query=WEEK):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name), query)


def test_the_page_draws_a_chart_per_section_and_links_the_articles(client_for, manny, kb):
    html = get(client_for(manny), "reports:knowledge").content.decode()
    charts = set(re.findall(r'data-chart="(chart-[a-z]+)"', html))
    # Articles due for review are a list with nothing to chart.
    assert charts == {"chart-deflection", "chart-helpfulness", "chart-tickets",
                      "chart-searches"}
    for chart in charts:
        assert f'<script id="{chart}" type="application/json">' in html
    assert f'<a href="/desk/kb/{kb["d"].pk}/">Reset your password</a>' in html
    assert "40.0 %" in html and "2 of 5 filings that showed suggestions" in html
    assert 'href="/reports/definitions/#knowledge"' in html


@pytest.mark.parametrize("table", TABLES)
def test_each_table_downloads_as_csv(client_for, manny, kb, table):
    response = get(client_for(manny), "reports:knowledge",
                   {**WEEK, "format": "csv", "table": table})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tend-knowledge-{table}-2026-03-01-2026-03-07.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 1


def test_csv_values_are_raw(client_for, manny, kb):
    response = get(client_for(manny), "reports:knowledge",
                   {**WEEK, "format": "csv", "table": "review"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Article", "Owner", "Review date", "Days overdue", "Confidence",
                       "Audience"]
    assert rows[1] == ["Reset your password", "Dee Desk", "2026-02-20", "16", "Validated",
                       "Customers"]
    deflection = list(csv.reader(io.StringIO(get(
        client_for(manny), "reports:knowledge",
        {**WEEK, "format": "csv", "table": "deflection"}).content.decode())))
    assert deflection[0][-1] == "Deflection rate (%)"
    assert deflection[2] == ["2026-03-02", "2", "1", "1", "50.0"]


def test_a_reason_a_spreadsheet_would_run_is_quoted(client_for, manny, kb, bob):
    services.article_feedback_record(article=kb["b"], actor=bob, helpful=False,
                                     reason="=HYPERLINK(\"http://evil\")",
                                     now=utc(2026, 3, 6, 12))
    response = get(client_for(manny), "reports:knowledge",
                   {**WEEK, "format": "csv", "table": "reasons"})
    reasons = {r[2] for r in csv.reader(io.StringIO(response.content.decode()))}
    assert "'=HYPERLINK(\"http://evil\")" in reasons


def test_the_api_gives_the_same_figures(manny, kb):
    with time_machine.travel(NOW, tick=False):
        response = api(manny).get(reverse("api-report-detail", args=["knowledge"]),
                                  {**WEEK, "service": kb["vpn"].pk})
    assert response.status_code == 200
    body = response.json()
    assert {f["key"]: f["value"] for f in body["summary"]} == {
        "deflection_rate": 50.0, "helpful": 50.0, "resolved_with_article": 100.0,
        "no_good_searches": 75.0, "due_for_review": 1}
    tables = {t["name"]: t for t in body["tables"]}
    assert set(tables) == set(TABLES)
    assert tables["review"]["rows"][0]["review_at"] == "2026-03-01"
    assert any("searches" in note for note in body["notes"])


def test_the_api_is_for_managers_and_admins(alice, dee, ada):
    url = reverse("api-report-detail", args=["knowledge"])
    assert api().get(url).status_code == 401
    assert api(alice).get(url).status_code == 403
    assert api(dee).get(url).status_code == 403
    assert api(ada).get(url).status_code == 200


def test_the_dashboard_card_has_the_deflection_rate_and_its_trend(client_for, manny, kb):
    html = get(client_for(manny), "reports:dashboard").content.decode()
    card = html.split('id="card-knowledge"', 1)[1].split("</section>", 1)[0]
    # 40 % this week against 50 % the week before: down 10 points, and worse.
    assert "40.0 %" in card and "trend trend-bad" in card and "▼ −10.0 pts" in card
    assert 'data-chart="spark-knowledge-deflection_rate"' in card
    assert '"data": [null, 50.0, null, 50.0, null, 0.0, null]' in html


def queries(client, name, query) -> int:
    with CaptureQueriesContext(connection) as captured, time_machine.travel(NOW, tick=False):
        assert client.get(reverse(name), query).status_code == 200
    return len(captured)


def more_knowledge(dee, alice, n: int) -> None:
    for i in range(n):
        article = make_article(dee, title=f"More {i}", review_at=utc(2026, 1, 1).date())
        filing = services.deflection_record(user=alice, query=f"q{i}", shown=[article.pk],
                                            now=utc(2026, 3, 1 + i % 7, 9))
        services.deflection_solve(deflection=filing, article=article, actor=alice,
                                  now=utc(2026, 3, 1 + i % 7, 10))
        services.article_feedback_record(article=article, actor=alice, helpful=bool(i % 2),
                                         reason=f"reason {i}", now=utc(2026, 3, 2, 9))
        services.search_record(query=f"nothing {i}", results=0, top_score=None,
                               where="portal", user=alice, now=utc(2026, 3, 3, 9))


@pytest.mark.parametrize("name", ["reports:knowledge", "reports:dashboard"])
def test_queries_do_not_grow_with_the_data_or_the_buckets(client_for, manny, kb, dee, alice,
                                                          name):
    client = client_for(manny)
    queries(client, name, WEEK)  # the session is read once
    few = queries(client, name, WEEK)
    more_knowledge(dee, alice, 25)
    assert queries(client, name, WEEK) == few
    # Ninety days are cut into weeks: more buckets, the same statements.
    assert queries(client, name, {"from": "2025-12-08", "to": "2026-03-07"}) == few
