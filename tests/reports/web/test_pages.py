"""The report pages: who may see them, CSV downloads, a fixed query budget, and markup
that respects the CSP (charts read JSON data blocks, never inline script)."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.registry import REPORTS
from tests.factories import CategoryFactory, ServiceFactory, UserFactory
from tests.reports.conftest import utc
from tickets.models import Status, TimeEntry

pytestmark = pytest.mark.django_db
PAGES = ["reports:dashboard", "reports:definitions", *[f"reports:{key}" for key in REPORTS]]


@pytest.mark.parametrize("name", PAGES)
def test_managers_and_admins_see_every_page(client_for, manny, ada, name):
    assert client_for(manny).get(reverse(name)).status_code == 200
    assert client_for(ada).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_support_engineers_and_end_users_are_refused(client_for, dee, alice, name):
    assert client_for(dee).get(reverse(name)).status_code == 403
    assert client_for(alice).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.fixture
def data(build, team, network, dee, dan, bob):
    """A spread of tickets over teams, categories, people and states in the last month."""
    hardware = CategoryFactory(name="Hardware")

    def spread(n: int):
        for i in range(n):
            owner = (team, network)[i % 2]
            ticket = build(utc(2026, 3, 1 + i % 20, 9), team=owner, category=hardware,
                           priority=1 + i % 4, status=Status.RESOLVED,
                           resolved_at=utc(2026, 3, 2 + i % 20, 9), rating=1 + i % 5,
                           rating_comment=f"comment {i}", rated_at=utc(2026, 3, 3 + i % 20),
                           response_breached=bool(i % 3), resolution_breached=bool(i % 2),
                           first_response_at=utc(2026, 3, 1 + i % 20, 10),
                           assignee=(dee, dan)[i % 2])
            TimeEntry.objects.create(ticket=ticket, user=(dee, dan)[i % 2], minutes=10 + i,
                                     created_at=utc(2026, 3, 5 + i % 10))
            build(utc(2026, 3, 1 + i % 25, 9), team=owner, requester=bob,
                  service=ServiceFactory(name=f"Service {i}"))

    return spread


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_runs_a_fixed_number_of_queries(client_for, manny, data, name,
                                                  django_assert_max_num_queries):
    import time_machine

    client = client_for(manny)
    url = reverse(name) + "?from=2026-03-01&to=2026-03-31"
    with time_machine.travel(utc(2026, 4, 1, 12), tick=False):
        data(3)
        # The dashboard asks every report for its headline (eleven reports now, and the
        # balance panel's one statement): more queries, still a fixed set.
        # One more on a cold process: the second-factor policy (cached configuration).
        with django_assert_max_num_queries(32 if name == "reports:dashboard" else 21):
            client.get(url)
        few = count_queries(client, url)
        data(12)
        assert count_queries(client, url) == few


def test_a_page_offers_each_table_as_csv_and_its_charts_as_data(client_for, manny, data):
    data(4)
    html = client_for(manny).get(reverse("reports:sla") + "?from=2026-03-01&to=2026-03-31"
                                 ).content.decode()
    assert "format=csv&amp;table=by_priority" in html and "table=breaches" in html
    assert 'type="application/json"' in html and 'data-chart="chart-priority"' in html
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        # Either a file, or a JSON data block: never code the CSP would have to allow.
        assert "src=" in attributes or 'type="application/json"' in attributes
        assert "src=" not in attributes or not body.strip()
    assert not re.search(r"\son[a-z]+=", html) and "style=" not in html
    assert reverse("reports:definitions") in html


def test_csv_download_is_an_attachment_with_raw_numbers(client_for, manny, data):
    data(4)
    response = client_for(manny).get(reverse("reports:times"), {
        "from": "2026-03-01", "to": "2026-03-31", "format": "csv", "table": "mttr_by_team"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="tend-times-mttr_by_team-2026-03-01-2026-03-31.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Team", "Tickets", "Mean (seconds)", "Median (seconds)"]
    assert [r[0] for r in rows[1:]] == ["Network", "Service Desk"]
    # Each ticket resolved a day after it was created; ≈: from the histograms, within 1 %.
    assert float(rows[1][3]) == pytest.approx(24 * 3600, rel=0.01)


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(client_for, manny, build):
    for text in ("=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "plain"):
        build(utc(2026, 3, 2, 9), title=text, status=Status.RESOLVED,
              resolved_at=utc(2026, 3, 3, 9), rating=3, rating_comment=text,
              rated_at=utc(2026, 3, 4, 9))
    response = client_for(manny).get(reverse("reports:satisfaction"), {
        "from": "2026-03-01", "to": "2026-03-31", "format": "csv", "table": "comments"})
    comments = {r[2] for r in csv.reader(io.StringIO(response.content.decode()))}
    assert {"'=HYPERLINK(\"http://evil\")", "'+1", "'-2+3", "'@SUM(A1)", "plain"} <= comments


def test_an_unknown_table_is_not_found(client_for, manny):
    response = client_for(manny).get(reverse("reports:sla"), {"format": "csv", "table": "x"})
    assert response.status_code == 404


def test_a_bad_period_says_so_and_shows_the_default(client_for, manny):
    response = client_for(manny).get(reverse("reports:volume"), {
        "from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["period"].days == 30


def test_presets_win_over_the_dates_the_form_shows(client_for, manny):
    response = client_for(manny).get(reverse("reports:volume"), {
        "preset": "7d", "from": "2025-01-01", "to": "2025-01-31"})
    assert response.context["period"].days == 7


def test_the_dashboard_links_every_report_with_the_same_period(client_for, manny):
    html = client_for(manny).get(reverse("reports:dashboard"), {"preset": "90d"}
                                 ).content.decode()
    for key in REPORTS:
        assert f'href="{reverse("reports:" + key)}?preset=90d"' in html


def test_the_dashboard_shows_trends_with_good_and_bad_colours(client_for, manny, build):
    import time_machine

    with time_machine.travel(utc(2026, 3, 31, 12), tick=False):
        build(utc(2026, 3, 10, 9), status=Status.RESOLVED, resolved_at=utc(2026, 3, 10, 11),
              resolution_breached=False)
        build(utc(2026, 2, 10, 9), status=Status.RESOLVED, resolved_at=utc(2026, 2, 10, 11),
              resolution_breached=True)
        html = client_for(manny).get(reverse("reports:dashboard"), {"preset": "month"}
                                     ).content.decode()
    # Resolution SLA met: 100 % now, 0 % in the 31 days before: up, and good.
    assert 'trend trend-good' in html and "▲ +100.0 pts" in html


def test_the_weekly_mail_toggle(client_for, manny):
    client = client_for(manny)
    response = client.post(reverse("reports:subscription"), {"weekly": "on"}, follow=True)
    assert manny.report_subscription.weekly is True
    assert "Every Monday morning" in response.content.decode()
    client.post(reverse("reports:subscription"), {"weekly": "off"})
    manny.report_subscription.refresh_from_db()
    assert manny.report_subscription.weekly is False


def test_only_managers_may_subscribe(client_for, dee):
    assert client_for(dee).post(reverse("reports:subscription"), {"weekly": "on"}
                                ).status_code == 403
    assert client_for(dee).get(reverse("reports:subscription")).status_code == 405


def test_a_user_given_the_permission_directly_gets_in(client_for):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="auditor")
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))
    assert client_for(user).get(reverse("reports:dashboard")).status_code == 200
