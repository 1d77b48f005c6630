"""The knowledge report's figures on the hand-built week of tests/reports/knowledge_week.py
(its docstring lists the data and what each figure should be)."""

import pytest
import time_machine

from reports.figures import knowledge
from reports.params import Filters
from tests.reports.conftest import NO_FILTERS, utc
from tests.reports.knowledge_week import NOW, WEEK

pytestmark = pytest.mark.django_db


def build_report(filters=NO_FILTERS, limit=20):
    with time_machine.travel(NOW, tick=False):
        return knowledge.build(WEEK, filters, limit=limit, now=NOW)


def summary(report) -> dict:
    return {f.key: f.value for f in report.summary}


def test_the_summary_of_the_week(kb):
    assert summary(build_report()) == {
        "deflection_rate": 40.0,  # 2 of 5 filings
        "helpful": 75.0,  # 3 yes of 4 answers
        "resolved_with_article": 66.7,  # t1 and t3 of t1, t2, t3
        "no_good_searches": 75.0,  # Toner, toner, badge reader of 4
        "due_for_review": 2,  # A and D; B later, C archived
    }


def test_filings_per_day_and_the_articles_that_ended_them(kb):
    tables = build_report().tables()
    days = {r["from"].day: (r["shown"], r["solved"], r["filed"], r["rate"])
            for r in tables["deflection"].rows if r["shown"]}
    assert days == {2: (2, 1, 1, 50.0), 4: (2, 1, 1, 50.0), 6: (1, 0, 1, 0.0)}
    assert len(tables["deflection"].rows) == 7  # every day of the week, quiet ones too
    assert [(r["article"], r["filings"]) for r in tables["solved_by"].rows] == [
        ("Printer out of toner", 1), ("VPN drops every hour", 1)]
    assert tables["solved_by"].rows[1]["article_url"] == f"/desk/kb/{kb['a'].pk}/"


def test_helpfulness_by_article_with_the_reasons_given(kb):
    tables = build_report().tables()
    assert [(r["article"], r["answers"], r["yes"], r["no"], r["helpful"])
            for r in tables["helpfulness"].rows] == [
        ("VPN drops every hour", 2, 1, 1, 50.0), ("Printer out of toner", 1, 1, 0, 100.0),
        ("Reset your password", 1, 1, 0, 100.0)]
    assert [(r["article"], r["answer"], r["reason"]) for r in tables["reasons"].rows] == [
        ("Reset your password", "Yes", "Worked at once"),
        ("VPN drops every hour", "No", "Still drops")]


def test_tickets_resolved_with_an_article_by_team(kb):
    tables = build_report().tables()
    assert [(r["team"], r["resolved"], r["linked"], r["share"])
            for r in tables["tickets"].rows] == [("Network", 1, 1, 100.0),
                                                 ("Service Desk", 2, 1, 50.0)]
    # t3 has two articles and counts once for each of them, but once as a ticket.
    assert [(r["article"], r["tickets"]) for r in tables["linked_articles"].rows] == [
        ("VPN drops every hour", 2), ("Reset your password", 1)]


def test_searches_with_no_good_result_are_grouped_by_their_text(kb):
    rows = build_report().tables()["searches"].rows
    assert [(r["query"], r["times"]) for r in rows] == [("toner", 2), ("badge reader", 1)]
    assert rows[0]["last"] == utc(2026, 3, 4, 9)


def test_articles_due_for_review_most_overdue_first(kb):
    rows = build_report().tables()["review"].rows
    # The article's owner is whoever wrote it, unless it names another.
    assert [(r["article"], r["overdue"], r["owner"]) for r in rows] == [
        ("Reset your password", 16, "Dee Desk"), ("VPN drops every hour", 7, "Dee Desk")]
    assert rows[0]["confidence"] == "Validated" and rows[0]["audience"] == "Customers"


def test_a_capped_list_still_counts_everything(kb):
    report = build_report(limit=1)
    assert [r["article"] for r in report.tables()["review"].rows] == ["Reset your password"]
    assert report.tables()["review"].truncated
    assert summary(report)["due_for_review"] == 2
    assert summary(report)["helpful"] == 75.0  # the totals do not come from the capped list


def test_the_service_filter(kb):
    report = build_report(Filters(service=kb["vpn"]))
    assert summary(report) == {
        "deflection_rate": 50.0,  # the two filings on VPN: 2 Mar solved, 6 Mar filed
        "helpful": 50.0,  # answers under A only
        "resolved_with_article": 100.0,  # t1
        "no_good_searches": 75.0,  # searches record no service: unchanged
        "due_for_review": 1,  # A
    }
    assert any("does not apply to searches" in note for note in report.notes)


def test_the_team_filter_narrows_tickets_only(kb, network):
    report = build_report(Filters(team=network))
    assert summary(report)["resolved_with_article"] == 100.0  # t3
    assert summary(report)["deflection_rate"] == 40.0
    assert any("resolved tickets only" in note for note in report.notes)


def test_an_empty_period(db):
    report = build_report()
    assert summary(report) == {"deflection_rate": None, "helpful": None,
                               "resolved_with_article": None, "no_good_searches": None,
                               "due_for_review": 0}
    assert all(not t.rows for t in report.tables().values())
    assert all(s.chart is None for s in report.sections)


def test_the_headline_is_the_deflection_rate_with_its_trend(kb):
    with time_machine.travel(NOW, tick=False):
        figure, = knowledge.headline_figures(WEEK, WEEK.previous(), NO_FILTERS, now=NOW)
    assert (figure.key, figure.value, figure.previous) == ("deflection_rate", 40.0, 50.0)
    assert figure.good is False  # down from 50 %: worse
    # Each day's own rate; a day with no filing has none.
    assert figure.series == [None, 50.0, None, 50.0, None, 0.0, None]


def test_kind_and_priority_say_they_do_not_apply(kb):
    report = build_report(Filters(kind="incident", priority=1))
    assert summary(report) == summary(build_report())
    assert report.notes == ["Kind and priority filters do not apply to the knowledge report."]
