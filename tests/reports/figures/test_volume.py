"""Volume and backlog over one hand-built week (1–7 March 2026, "now" = 7 March noon).

Tickets (created → done):
  a  20 Feb 10:00, still open                     h  1 Mar 00:30 → resolved 1 Mar 23:00
  e  25 Feb 10:00 → resolved 6 Mar, reopened once b  2 Mar 10:00 → resolved 4 Mar 09:00
  g   1 Jan → resolved 1 Feb (never in the week)  c  3 Mar 08:00 → cancelled 5 Mar 10:00
                                                  d  5 Mar 11:00, still open
                                                  f  7 Mar 09:00, still open
Open at the end of each day (created by then, not done by then):
  1 Mar: a e = 2 · 2 Mar: a e b = 3 · 3 Mar: a e b c = 4 · 4 Mar: a e c = 3
  5 Mar: a e d = 3 · 6 Mar: a d = 2 · 7 Mar: a d f = 3 (what is open now)
"""

import pytest
import time_machine

from reports.figures import volume
from reports.params import Filters
from tests.factories import CategoryFactory
from tests.reports.conftest import NO_FILTERS, period, utc
from tickets.models import Status

pytestmark = pytest.mark.django_db
WEEK = period((2026, 3, 1), (2026, 3, 7))
NOW = utc(2026, 3, 7, 12)


@pytest.fixture
def week(build, team, network):
    hardware, network_cat = CategoryFactory(name="Hardware"), CategoryFactory(name="Network")
    build(utc(2026, 2, 20, 10), title="a", team=team)
    build(utc(2026, 2, 25, 10), title="e", team=team, status=Status.RESOLVED,
          resolved_at=utc(2026, 3, 6, 15), reopen_count=1)
    build(utc(2026, 1, 1, 10), title="g", team=team, status=Status.CLOSED,
          resolved_at=utc(2026, 2, 1, 10))
    build(utc(2026, 3, 1, 0, 30), title="h", team=team, category=hardware,
          status=Status.RESOLVED, resolved_at=utc(2026, 3, 1, 23))
    build(utc(2026, 3, 2, 10), title="b", team=network, category=hardware,
          status=Status.CLOSED, resolved_at=utc(2026, 3, 4, 9))
    build(utc(2026, 3, 3, 8), title="c", team=team, category=hardware,
          status=Status.CANCELLED, updated_at=utc(2026, 3, 5, 10))
    build(utc(2026, 3, 5, 11), title="d", team=team, category=network_cat)
    build(utc(2026, 3, 7, 9), title="f", team=team)


def build_at_now(p=WEEK, filters=NO_FILTERS):
    with time_machine.travel(NOW, tick=False):
        return volume.build(p, filters, now=NOW)


def test_backlog_is_what_was_open_at_the_end_of_each_day(week):
    rows = build_at_now().tables()["backlog"].rows
    assert [r["backlog"] for r in rows] == [2, 3, 4, 3, 3, 2, 3]


def test_created_and_resolved_per_day(week):
    rows = build_at_now().tables()["flow"].rows
    assert [r["created"] for r in rows] == [1, 1, 1, 0, 1, 0, 1]  # h b c · d · f
    assert [r["resolved"] for r in rows] == [1, 0, 0, 1, 0, 1, 0]  # h · b · e
    assert [r["cancelled"] for r in rows] == [0, 0, 0, 0, 1, 0, 0]  # c


def test_summary_reopen_rate_and_open_at_both_ends(week):
    report = build_at_now()
    figures = {f.key: f for f in report.summary}
    assert (figures["created"].value, figures["resolved"].value) == (5, 3)
    assert figures["backlog"].value == 3
    assert figures["backlog"].hint == "2 at the start"  # a and e at 1 Mar 00:00
    assert figures["reopen_rate"].value == pytest.approx(33.3)  # e of h, b, e


def test_open_tickets_by_age_at_the_period_end(week):
    ages = {r["age"]: r["open"] for r in build_at_now().tables()["age"].rows}
    # At 7 Mar 12:00: f 3 h old, d 2 d 1 h, a 15 d 2 h.
    assert ages == {"< 1 day": 1, "1–3 days": 1, "3–7 days": 0, "7–30 days": 1,
                    "> 30 days": 0}


def test_a_period_in_the_past_reads_the_open_tickets_of_its_last_day(week):
    past = period((2026, 3, 1), (2026, 3, 4))
    report = build_at_now(past)
    assert [r["backlog"] for r in report.tables()["backlog"].rows] == [2, 3, 4, 3]
    ages = {r["age"]: r["open"] for r in report.tables()["age"].rows}
    # At 5 Mar 00:00: a (12 d 14 h) and e (7 d 14 h) are 7–30 days; c (1 d 16 h) 1–3.
    assert (ages["7–30 days"], ages["1–3 days"], ages["< 1 day"]) == (2, 1, 0)


def test_top_categories_with_their_share_of_tickets_created(week):
    rows = build_at_now().tables()["categories"].rows
    # Created in the week: h, b, c (Hardware), d (Network), f (none).
    assert [(r["category"], r["created"], r["share"]) for r in rows] == [
        ("Hardware", 3, 60.0), ("Network", 1, 20.0), ("No category", 1, 20.0)]


def test_a_team_filter_counts_only_that_teams_tickets(week, network):
    report = build_at_now(filters=Filters(team=network))
    # Network holds only b: open at the end of 2 and 3 Mar.
    assert [r["backlog"] for r in report.tables()["backlog"].rows] == [0, 1, 1, 0, 0, 0, 0]


def test_long_periods_chart_created_and_resolved_per_week(week):
    report = build_at_now(period((2025, 12, 1), (2026, 3, 7)))
    flow = report.tables()["flow"]
    assert flow.columns[0].key == "week"
    # Since 1 Dec: g (1 Jan), a (20 Feb), e (25 Feb) and the five of the week.
    assert sum(r["created"] for r in flow.rows) == 8
    assert all(r["week"].weekday() == 0 for r in flow.rows)


def test_no_tickets_at_all(db):
    report = build_at_now()
    assert [r["backlog"] for r in report.tables()["backlog"].rows] == [0] * 7
    assert {f.key: f.value for f in report.summary}["reopen_rate"] is None


def test_days_after_today_have_no_backlog_yet(week):
    with time_machine.travel(utc(2026, 3, 5, 12), tick=False):
        rows = volume.build(WEEK, NO_FILTERS, now=utc(2026, 3, 5, 12)).tables()["backlog"].rows
    assert [r["backlog"] for r in rows][5:] == [None, None]


def test_headline_compares_with_the_week_before(week):
    with time_machine.travel(NOW, tick=False):
        figures = {f.key: f for f in volume.headline_figures(WEEK, WEEK.previous(), NO_FILTERS)}
    # Week before (22–28 Feb): e created; nothing resolved; open at its end: a and e.
    assert (figures["created"].value, figures["created"].previous) == (5, 1)
    assert (figures["resolved"].value, figures["resolved"].previous) == (3, 0)
    assert (figures["backlog"].value, figures["backlog"].previous) == (3, 2)
    assert figures["backlog"].good is False  # more open tickets is worse
