"""SLA compliance against a hand-built month. Expected values are worked out by hand in
the comments, never by calling the code under test."""

import pytest
import time_machine

from reports.figures import sla
from tests.factories import make_ticket
from tests.reports.conftest import NO_FILTERS, period, utc
from tickets import services
from tickets.models import Level, Status

pytestmark = pytest.mark.django_db
MARCH = period((2026, 3, 1), (2026, 3, 31))
RESOLVED = {"status": Status.RESOLVED}


@pytest.fixture
def month(build, team, network):
    """Resolved in March with decided outcomes: A, B (Service Desk, P3), C, D (Network,
    P2). Left out: E (resolved in February), F (still open), G (no SLA), H (cancelled)."""
    build(utc(2026, 3, 9, 9), title="A", team=team, priority=3, **RESOLVED,
          resolved_at=utc(2026, 3, 10, 12), response_breached=False, resolution_breached=False)
    build(utc(2026, 3, 11, 9), title="B", team=team, priority=3, **RESOLVED,
          resolved_at=utc(2026, 3, 12, 12), response_breached=False, resolution_breached=True)
    build(utc(2026, 3, 19, 9), title="C", team=network, priority=2, status=Status.CLOSED,
          resolved_at=utc(2026, 3, 20, 12), response_breached=True, resolution_breached=True)
    build(utc(2026, 3, 24, 9), title="D", team=network, priority=2, **RESOLVED,
          resolved_at=utc(2026, 3, 25, 12), response_breached=None, resolution_breached=False)
    build(utc(2026, 2, 20, 9), title="E", team=team, priority=3, **RESOLVED,
          resolved_at=utc(2026, 2, 27, 12), response_breached=False, resolution_breached=True)
    build(utc(2026, 3, 2, 9), title="F", team=team, priority=1, status=Status.IN_PROGRESS,
          response_breached=True)
    build(utc(2026, 3, 14, 9), title="G", team=team, priority=4, **RESOLVED,
          resolved_at=utc(2026, 3, 15, 12), response_breached=None, resolution_breached=None)
    build(utc(2026, 3, 4, 9), title="H", team=team, priority=3, status=Status.CANCELLED,
          response_breached=True)


def summary(report):
    return {f.key: f.value for f in report.summary}


def test_it_counts_only_tickets_resolved_in_the_period_with_a_decided_outcome(month):
    report = sla.build(MARCH, NO_FILTERS)
    # Response decided on A, B, C (D never got a first response): met A, B → 2/3.
    # Resolution decided on A, B, C, D: met A, D → 2/4.
    assert summary(report) == {"response_percent": 66.7, "resolution_percent": 50.0,
                               "response_breaches": 1, "resolution_breaches": 2}


def test_it_splits_compliance_by_priority_team_and_month(month):
    tables = sla.build(MARCH, NO_FILTERS).tables()
    by_priority = {r["priority"]: r for r in tables["by_priority"].rows}
    # P2: C, D. Response: C only, breached → 0/1. Resolution: C breached, D met → 1/2.
    assert (by_priority["P2 High"]["response_percent"],
            by_priority["P2 High"]["resolution_percent"]) == (0.0, 50.0)
    # P3: A, B. Response 2/2; resolution: A met, B breached → 1/2.
    assert (by_priority["P3 Medium"]["response_counted"],
            by_priority["P3 Medium"]["response_percent"],
            by_priority["P3 Medium"]["resolution_percent"]) == (2, 100.0, 50.0)
    assert set(by_priority) == {"P2 High", "P3 Medium"}  # G (P4) has no SLA
    by_team = {r["team"]: r for r in tables["by_team"].rows}
    assert (by_team["Network"]["response_percent"], by_team["Network"]["resolution_percent"],
            by_team["Service Desk"]["resolution_met"]) == (0.0, 50.0, 1)
    assert [(r["month"].month, r["resolution_counted"]) for r in tables["by_month"].rows] == [
        (3, 4)]


def test_it_lists_breaches_newest_first_with_links_to_the_desk(month):
    rows = sla.build(MARCH, NO_FILTERS).tables()["breaches"].rows
    assert [(r["title"], r["missed"]) for r in rows] == [
        ("C", "response and resolution"), ("B", "resolution")]
    assert rows[0]["ref_url"] == f"/desk/tickets/{rows[0]['ref']}/"


def test_filters_narrow_every_figure(month, network):
    from reports.params import Filters

    report = sla.build(MARCH, Filters(team=network))
    # Network: C (response breached, resolution breached), D (resolution met).
    assert summary(report)["resolution_percent"] == 50.0
    assert summary(report)["response_percent"] == 0.0


def test_the_headline_compares_with_the_previous_period_of_equal_length(month):
    figures = {f.key: f for f in sla.headline_figures(MARCH, MARCH.previous(), NO_FILTERS)}
    # Previous period: 29 Jan – 28 Feb holds E: response met 1/1, resolution 0/1.
    assert (figures["resolution_percent"].value, figures["resolution_percent"].previous) == (
        50.0, 0.0)
    assert (figures["response_percent"].value, figures["response_percent"].previous) == (
        66.7, 100.0)
    assert figures["resolution_percent"].good is True


def test_with_no_data_the_shares_are_empty_not_zero(db):
    report = sla.build(MARCH, NO_FILTERS)
    assert summary(report)["response_percent"] is None
    assert all(not t.rows for t in report.tables().values())


def test_outcomes_reached_through_the_services_are_counted(alice, dee):
    """P3 incidents: 4 h response, 24 h resolution, office hours Mon–Fri 09–17 UTC."""
    with time_machine.travel(utc(2026, 3, 9, 9), tick=False):  # a Monday
        quick = make_ticket(alice, impact=Level.MEDIUM, urgency=Level.MEDIUM)
        slow = make_ticket(alice, impact=Level.MEDIUM, urgency=Level.MEDIUM)
    with time_machine.travel(utc(2026, 3, 9, 10), tick=False):  # 1 h < 4 h: met
        services.comment_add(ticket=quick, actor=dee, body="On it")
    with time_machine.travel(utc(2026, 3, 9, 14), tick=False):  # 5 h > 4 h: breached
        services.comment_add(ticket=slow, actor=dee, body="Sorry for the wait")
    with time_machine.travel(utc(2026, 3, 9, 15), tick=False):  # 6 h < 24 h: both met
        services.ticket_transition(ticket=quick, actor=dee, to=Status.RESOLVED)
        services.ticket_transition(ticket=slow, actor=dee, to=Status.RESOLVED)
    report = sla.build(MARCH, NO_FILTERS)
    assert summary(report) == {"response_percent": 50.0, "resolution_percent": 100.0,
                               "response_breaches": 1, "resolution_breaches": 0}
    assert [r["ref"] for r in report.tables()["breaches"].rows] == [slow.ref]
