"""The knowledge report's "resolved with an article": resolved tickets from the day facts,
those with an article from the links, and both the same counts as the tickets resolved in
the period (common.resolved_between) with a link."""

import pytest
import time_machine

from knowledge import services
from knowledge.models import ArticleTicketLink
from reports.figures import common, knowledge
from reports.params import Filters
from tests.factories import ServiceFactory
from tests.knowledge.conftest import make_article
from tests.reports.conftest import NO_FILTERS, period, utc
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db
MARCH = period((2026, 3, 1), (2026, 3, 31))
NOW = utc(2026, 4, 2, 12)


def build_report(filters=NO_FILTERS):
    with time_machine.travel(NOW, tick=False):
        return knowledge.build(MARCH, filters, limit=20, now=NOW)


def team_rows(report) -> list[tuple]:
    return [(r["team"], r["resolved"], r["linked"]) for r in report.tables()["tickets"].rows]


@pytest.fixture
def march(build, team, network, dee):
    vpn = ServiceFactory(name="VPN")
    a = make_article(dee, title="VPN drops every hour")
    b = make_article(dee, title="Printer out of toner")

    def ticket(owner, links=(), **fields):
        made = build(utc(2026, 2, 20, 8), team=owner, **fields)
        if owner is None:  # filing routes a ticket with no team to the default one
            Ticket.objects.filter(pk=made.pk).update(team=None)
        for article in links:
            services.article_link_ticket(article=article, ticket=made, actor=dee)
        return made

    resolved = {"status": Status.RESOLVED}
    ticket(team, [a, b], resolved_at=utc(2026, 3, 1, 0), **resolved)  # two links, once
    ticket(team, [], resolved_at=utc(2026, 3, 10), **resolved)
    ticket(team, [b], resolved_at=utc(2026, 3, 31, 23, 59), status=Status.CLOSED)
    ticket(network, [a], resolved_at=utc(2026, 3, 12), service=vpn, **resolved)
    ticket(None, [a], resolved_at=utc(2026, 3, 15), **resolved)  # no team: listed last
    ticket(None, [], resolved_at=utc(2026, 3, 16), **resolved)
    ticket(team, [a], resolved_at=utc(2026, 4, 1), **resolved)  # after the period
    ticket(team, [a], resolved_at=utc(2026, 2, 28, 23, 59), **resolved)  # before it
    ticket(network, [b])  # open
    ticket(network, [b], status=Status.CANCELLED)
    return {"vpn": vpn, "a": a, "b": b}


def test_each_resolved_ticket_counts_once_and_no_team_comes_last(march):
    report = build_report()
    assert team_rows(report) == [("Network", 1, 1), ("Service Desk", 3, 2), ("No team", 2, 1)]
    assert [(r["article"], r["tickets"]) for r in report.tables()["linked_articles"].rows] == [
        ("VPN drops every hour", 3), ("Printer out of toner", 2)]
    hint = next(f.hint for f in report.summary if f.key == "resolved_with_article")
    assert hint == "4 of 6 resolved tickets"


def test_a_reopened_ticket_stops_counting(march, build, team, dee):
    reopened = build(utc(2026, 2, 20, 8), team=team, status=Status.IN_PROGRESS,
                     resolved_at=None)
    services.article_link_ticket(article=march["a"], ticket=reopened, actor=dee)
    assert team_rows(build_report())[1] == ("Service Desk", 3, 2)


@pytest.mark.parametrize("narrowed", ["team", "network", "vpn"])
def test_the_counts_are_those_of_the_tickets_resolved_in_the_period(march, team, network,
                                                                     narrowed):
    filters = {"team": Filters(team=team), "network": Filters(team=network),
               "vpn": Filters(service=march["vpn"])}[narrowed]
    report = build_report(filters)
    resolved = common.resolved_between(filters, MARCH.start, MARCH.end)
    linked = resolved.filter(pk__in=ArticleTicketLink.objects.values("ticket_id"))
    assert sum(r[1] for r in team_rows(report)) == resolved.count()
    assert sum(r[2] for r in team_rows(report)) == linked.count()
    per_article = {r["article"]: r["tickets"] for r in report.tables()["linked_articles"].rows}
    assert sum(per_article.values()) == ArticleTicketLink.objects.filter(
        ticket__in=resolved).count()


def test_the_service_filter_narrows_the_articles_listed(march):
    report = build_report(Filters(service=march["vpn"]))
    assert team_rows(report) == [("Network", 1, 1)]
    assert [(r["article"], r["tickets"]) for r in report.tables()["linked_articles"].rows] == [
        ("VPN drops every hour", 1)]
