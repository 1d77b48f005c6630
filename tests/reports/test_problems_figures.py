"""The problems report's figures on the hand-built week of tests/reports/fixtures/
problems_week.py (its docstring lists the data and what each figure should be)."""

import pytest
import time_machine

from reports.figures import problems
from reports.params import Filters
from tests.reports.conftest import NO_FILTERS
from tests.reports.fixtures import problems_week
from tests.reports.fixtures.problems_week import NOW, WEEK

pytestmark = pytest.mark.django_db
prb = problems_week.prb  # the week's fixture, offered to these tests
H = 3600.0


def build_report(filters=NO_FILTERS, limit=20):
    with time_machine.travel(NOW, tick=False):
        return problems.build(WEEK, filters, limit=limit, now=NOW)


def summary(report) -> dict:
    return {f.key: f.value for f in report.summary}


def refs(table) -> list[str]:
    return [r["ref"] for r in table.rows]


def test_the_summary_of_the_week(prb):
    assert summary(build_report()) == {
        "repeat_rate": 62.5,  # i1 i2 i4 i6 i8 of 8 incidents
        "explained": 5,  # i1 i2 i3 i4 i7
        "known_error_share": 50.0,  # P1 P3 of P1 P2 P3 P7
        "time_to_root_cause": 150 * H,  # P1 240 h, P2 60 h
        "opened": 3,  # P3 P2 P7
        "closed": 1,  # P4
        "after_known_error": 2,  # i2 i7
        "risk_review_due": 1,  # P5
        "proactive_effort": 60.0,  # 180 of 300 minutes
    }


def test_incidents_per_day_with_their_repeats(prb):
    rows = build_report().tables()["incidents"].rows
    assert len(rows) == 7
    assert {r["from"].day: (r["incidents"], r["repeats"], r["explained"],
                            r["after_known_error"], r["rate"]) for r in rows} == {
        1: (0, 0, 0, 0, None), 2: (2, 1, 2, 0, 50.0), 3: (1, 1, 1, 0, 100.0),
        4: (1, 1, 1, 1, 100.0), 5: (1, 0, 0, 0, 0.0), 6: (2, 1, 1, 1, 50.0),
        7: (1, 1, 0, 0, 100.0)}


def test_each_repeat_is_listed_with_what_it_shares(prb):
    rows = build_report().tables()["repeat_incidents"].rows
    number = {name: prb[name].number for name in ("i1", "i4", "i2", "i6", "i8")}
    assert [r["ref"] for r in rows] == [f"INC-{number[n]}" for n in ("i1", "i4", "i2", "i6",
                                                                     "i8")]
    assert rows[0]["ref_url"] == f"/desk/tickets/INC-{number['i1']}/"
    assert rows[0]["problem"] == prb["p1"].ticket.ref
    assert (rows[3]["problem"], rows[3]["cluster"]) == ("", "Router 7")
    assert (rows[4]["problem"], rows[4]["cluster"]) == ("", "Slow wiki")


def test_incidents_after_a_known_error_name_the_problem_and_its_moment(prb):
    rows = build_report().tables()["after_known_error"].rows
    assert [(r["ref"], r["problem"], r["known_error_at"]) for r in rows] == [
        (prb["i2"].ref, prb["p1"].ticket.ref, prb["p1"].known_error_at),
        (prb["i7"].ref, prb["p3"].ticket.ref, prb["p3"].known_error_at)]


def test_open_problems_by_stage_and_the_known_errors(prb):
    tables = build_report().tables()
    assert [(r["stage"], r["problems"], r["known"]) for r in tables["open_by_stage"].rows] == [
        ("New", 1, 0), ("Assessing", 0, 0), ("Root-cause analysis", 0, 0),
        ("Known error", 1, 1), ("Fix in progress", 2, 1)]
    assert refs(tables["known_errors"]) == [prb["p1"].ticket.ref, prb["p3"].ticket.ref]


def test_time_to_root_cause_opened_closed_and_reviews(prb):
    tables = build_report().tables()
    assert [(r["ref"], r["took"]) for r in tables["root_cause"].rows] == [
        (prb["p1"].ticket.ref, 240 * H), (prb["p2"].ticket.ref, 60 * H)]
    assert {r["from"].day: (r["opened"], r["closed"]) for r in tables["flow"].rows
            if r["opened"] or r["closed"]} == {1: (1, 0), 2: (1, 0), 4: (0, 1), 6: (1, 0)}
    assert [(r["ref"], r["overdue"]) for r in tables["risk_review"].rows] == [
        (prb["p5"].ticket.ref, 0)]


def test_proactive_effort_per_day_against_the_fifty_percent_line(prb):
    report = build_report()
    rows = report.tables()["effort"].rows
    assert {r["from"].day: (r["proactive"], r["minutes"], r["share"]) for r in rows
            if r["minutes"]} == {2: (60, 120, 50.0), 4: (90, 120, 75.0), 6: (30, 60, 50.0)}
    chart = next(s.chart for s in report.sections if s.anchor == "effort")
    assert chart.datasets[1]["data"] == [50] * 7
    assert chart.datasets[0]["data"][1] == 50.0 and chart.datasets[0]["data"][0] is None


def test_every_summary_figure_links_to_its_records(prb):
    report = build_report()
    links = {r["figure"]: r["figure_url"] for r in report.tables()["figures"].rows}
    assert len(links) == len(report.summary)
    assert links["Repeat-incident rate"].startswith("/reports/problems/?from=2026-03-01")
    assert links["Repeat-incident rate"].endswith("#repeats")
    assert links["Proactive share of effort"].endswith("#effort")
    # The desk's problem list by stage where it is installed, else this page's list.
    assert links["Open problems with a known error"].endswith(
        ("#known-errors", "stage=known_error&stage=fix_in_progress"))


def test_a_team_narrows_incidents_problems_and_time(prb, network):
    assert summary(build_report(Filters(team=network))) == {
        "repeat_rate": 0.0, "explained": 1, "known_error_share": 100.0,
        "time_to_root_cause": None, "opened": 1, "closed": 0, "after_known_error": 1,
        "risk_review_due": 0, "proactive_effort": None}


def test_lists_are_capped_for_the_page(prb):
    tables = build_report(limit=2).tables()
    assert len(tables["repeat_incidents"].rows) == 2 and tables["repeat_incidents"].truncated
    assert not tables["after_known_error"].truncated


def test_the_dashboard_figures_with_the_previous_week(prb):
    with time_machine.travel(NOW, tick=False):
        found = {f.key: (f.value, f.previous) for f in
                 problems.headline_figures(WEEK, WEEK.previous(), NO_FILTERS, now=NOW)}
    assert found == {"repeat_rate": (62.5, 0.0), "proactive_effort": (60.0, 0.0),
                     "known_error_share": (50.0, None), "after_known_error": (2, 0)}


def test_the_report_reads_a_fixed_number_of_queries(prb, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        build_report()
