"""Satisfaction (ratings by team) and DSE workload (open items, resolved per week, time)."""

from datetime import timedelta

import pytest

from reports.figures import satisfaction, workload
from tests.reports.conftest import NO_FILTERS, period, utc
from tickets.models import Priority, Status, TimeEntry

pytestmark = pytest.mark.django_db
MARCH = period((2026, 3, 1), (2026, 3, 31))
RESOLVED = {"status": Status.RESOLVED}


@pytest.fixture
def rated(build, team, network):
    """Service Desk: 3 resolved in March rated 5, 4 and none; Network: 2 resolved, rated 1
    ("=cmd|' /C calc'!A0", a spreadsheet formula) and none. One rated in February."""
    for n, (owner, stars, comment) in enumerate([
            (team, 5, "Quick and friendly"), (team, 4, ""), (team, None, ""),
            (network, 1, "=cmd|' /C calc'!A0"), (network, None, "")]):
        build(utc(2026, 3, 2 + n, 9), team=owner, **RESOLVED,
              resolved_at=utc(2026, 3, 3 + n, 9), rating=stars, rating_comment=comment,
              rated_at=utc(2026, 3, 4 + n, 9) if stars else None)
    build(utc(2026, 2, 2, 9), team=team, **RESOLVED, resolved_at=utc(2026, 2, 3, 9),
          rating=2, rated_at=utc(2026, 2, 4, 9))


def test_average_rating_and_response_rate_by_team(rated):
    rows = {r["team"]: r for r in satisfaction.build(MARCH, NO_FILTERS).tables()["by_team"].rows}
    assert rows["Service Desk"] == {"team": "Service Desk", "resolved": 3, "rated": 2,
                                    "response_rate": round(100 * 2 / 3, 1), "average": 4.5}
    assert (rows["Network"]["average"], rows["Network"]["response_rate"]) == (1.0, 50.0)


def test_overall_figures_and_the_spread_of_ratings(rated):
    report = satisfaction.build(MARCH, NO_FILTERS)
    figures = {f.key: f.value for f in report.summary}
    assert figures == {"average": round((5 + 4 + 1) / 3, 2), "response_rate": 60.0}  # 3 of 5
    spread = {r["rating"]: r["tickets"] for r in report.tables()["ratings"].rows}
    assert spread == {5: 1, 4: 1, 3: 0, 2: 0, 1: 1}


def test_recent_comments_newest_first(rated):
    rows = satisfaction.build(MARCH, NO_FILTERS).tables()["comments"].rows
    assert [r["comment"] for r in rows] == ["=cmd|' /C calc'!A0", "Quick and friendly"]


def test_headline_against_the_previous_period(rated):
    figures = {f.key: f for f in satisfaction.headline_figures(MARCH, MARCH.previous(), NO_FILTERS)}
    assert (figures["average"].value, figures["average"].previous) == (3.33, 2.0)
    assert (figures["response_rate"].value, figures["response_rate"].previous) == (60.0, 100.0)


def test_no_ratings(db):
    figures = {f.key: f.value for f in satisfaction.build(MARCH, NO_FILTERS).summary}
    assert figures == {"average": None, "response_rate": None}


@pytest.fixture
def queue(build, team, dee, dan):
    """Open now: Dee 2 (a P1 and a P3 past its due date), Dan 1, unassigned 1.
    Resolved in March: Dee 2 in the week of 2 Mar, 1 in the week of 9 Mar; Dan 1 (9 Mar).
    Time: Dee 45 min, Dan 30 min in March; Dee 60 min in February."""
    now = utc(2026, 3, 20, 12)
    build(utc(2026, 3, 1, 9), team=team, assignee=dee, priority=Priority.P1)
    build(utc(2026, 3, 1, 9), team=team, assignee=dee, priority=Priority.P3,
          due_at=now - timedelta(days=1))
    build(utc(2026, 3, 1, 9), team=team, assignee=dan, priority=Priority.P3)
    build(utc(2026, 3, 1, 9), team=team, priority=Priority.P4)
    for who, day in ((dee, 3), (dee, 4), (dee, 10), (dan, 11)):
        build(utc(2026, 3, day, 8), team=team, assignee=who, **RESOLVED,
              resolved_at=utc(2026, 3, day, 12))
    ticket = build(utc(2026, 2, 1, 9), team=team)
    for who, minutes, when in ((dee, 45, utc(2026, 3, 5)), (dan, 30, utc(2026, 3, 6)),
                               (dee, 60, utc(2026, 2, 5))):
        TimeEntry.objects.create(ticket=ticket, user=who, minutes=minutes, created_at=when)
    return now


def test_workload_per_person(queue):
    rows = {r["person"]: r for r in workload.build(MARCH, NO_FILTERS, now=queue)
            .tables()["people"].rows}
    assert (rows["Dee Desk"]["open"], rows["Dee Desk"]["p1"], rows["Dee Desk"]["overdue"],
            rows["Dee Desk"]["resolved"], rows["Dee Desk"]["minutes"]) == (2, 1, 1, 3, 45)
    assert (rows["Dan Duty"]["open"], rows["Dan Duty"]["resolved"],
            rows["Dan Duty"]["minutes"]) == (1, 1, 30)
    # The February ticket (open, unassigned) and the P4 one.
    assert rows["Unassigned"]["open"] == 2
    assert list(rows)[-1] == "Unassigned"


def test_resolved_per_week_and_person(queue):
    rows = workload.build(MARCH, NO_FILTERS, now=queue).tables()["resolved_weekly"].rows
    assert [(r["week"].day, r["person"], r["resolved"]) for r in rows] == [
        (2, "Dee Desk", 2), (9, "Dan Duty", 1), (9, "Dee Desk", 1)]


def test_summary_and_headline(queue):
    figures = {f.key: f.value for f in workload.build(MARCH, NO_FILTERS, now=queue).summary}
    # 5 open; 3 of them held by 2 people → 1.5 each.
    assert (figures["open"], figures["unassigned"], figures["per_person"]) == (5, 2, 1.5)
    headline = workload.headline_figures(MARCH, MARCH.previous(), NO_FILTERS)[0]
    assert (headline.value, headline.hint) == (1.5, "2 unassigned")
