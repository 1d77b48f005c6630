"""The dashboard's balance panel on the hand-built week of tests/reports/fixtures/
problems_week.py: four headline numbers, each linked to what it counts, the proactive
share against its 50 % line, and the same figures in the API's dashboard."""

import re

import pytest
import time_machine
from django.urls import reverse

from reports.figures import balance
from reports.params import Filters
from tests.reports.api.test_api import api
from tests.reports.fixtures import problems_week
from tests.reports.fixtures.problems_week import NOW, WEEK

pytestmark = pytest.mark.django_db
prb = problems_week.prb  # the week's fixture, offered to these tests
QUERY = {"from": "2026-03-01", "to": "2026-03-07"}


def panel(client) -> str:
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("reports:dashboard"), QUERY).content.decode()
    return html.split('aria-labelledby="balance-heading"', 1)[1].split("</section>", 1)[0]


def test_the_panel_shows_each_number_linked_to_its_records(client_for, manny, prb):
    html = panel(client_for(manny))
    links = {key: (href, value) for href, key, value in re.findall(
        r'<a class="figure-value text-decoration-none" href="([^"]+)" '
        r'aria-describedby="balance-([a-z_]+)">([^<]+)</a>', html)}
    report = "/reports/problems/?from=2026-03-01&amp;to=2026-03-07"
    assert links["repeat_rate"] == (f"{report}#repeats", "62.5 %")
    assert links["proactive_effort"] == (f"{report}#effort", "60.0 %")
    assert links["after_known_error"] == (f"{report}#after-known-error", "2")
    href, value = links["known_error_share"]
    assert value == "50.0 %" and href.endswith(("#known-errors",
                                                "stage=known_error&amp;stage=fix_in_progress"))
    assert "5 of 8 incidents" in html and "180 of 300 minutes; aim for 50 %" in html
    # Repeats 0 % the week before, now 62.5 %: up, and worse.
    assert "trend trend-bad" in html and f'href="{report}"' in html  # the heading


def test_the_proactive_share_is_drawn_against_the_fifty_percent_line(client_for, manny, prb):
    html = panel(client_for(manny))
    assert 'data-chart="balance-chart-proactive_effort"' in html
    assert ('"data": [null, 50.0, null, 75.0, null, 50.0, null]' in html
            and '"label": "Reference: 50 %", "data": [50, 50, 50, 50, 50, 50, 50]' in html)


def test_the_panel_is_one_statement(prb, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = balance.figures(WEEK, WEEK.previous(), Filters(), now=NOW)
    assert [(f.key, f.value, f.previous) for f in figures] == [
        ("repeat_rate", 62.5, 0.0), ("proactive_effort", 60.0, 0.0),
        ("known_error_share", 50.0, None), ("after_known_error", 2, 0)]
    assert figures[0].series == [None, 50.0, 100.0, 100.0, 0.0, 50.0, 100.0]


def test_a_team_narrows_the_panel(prb, network):
    figures = {f.key: f.value for f in balance.figures(
        WEEK, WEEK.previous(), Filters(team=network), now=NOW)}
    assert figures == {"repeat_rate": 0.0, "proactive_effort": None,
                       "known_error_share": 100.0, "after_known_error": 1}


def test_an_empty_week_shows_dashes_not_errors(client_for, manny):
    html = panel(client_for(manny))
    assert html.count(">—</a>") == 3 and ">0</a>" in html


def test_the_api_dashboard_carries_the_balance_figures(manny, prb):
    with time_machine.travel(NOW, tick=False):
        body = api(manny).get(reverse("api-report-dashboard"), QUERY).json()
    card = next(c for c in body["reports"] if c["report"] == "problems")
    assert {f["key"]: (f["value"], f["previous"]) for f in card["figures"]} == {
        "repeat_rate": (62.5, 0.0), "proactive_effort": (60.0, 0.0),
        "known_error_share": (50.0, None), "after_known_error": (2, 0)}
