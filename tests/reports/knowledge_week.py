"""The knowledge report's hand-built week (1–7 March 2026, "now" = 8 March noon; the
previous period is 22–28 February), written through the knowledge services. The fixture
`kb` is offered to every report test by tests/reports/conftest.py.

Articles (VPN applies to the service "VPN"):
  A "VPN drops every hour"  review 1 Mar (due, 7 days overdue)
  B "Printer out of toner"  review 10 Mar (not due yet)
  C "Old fax guide"         archived, review 1 Jan (archived: never due)
  D "Reset your password"   review 20 Feb (due, 16 days overdue)
Filings that showed suggestions:
  22 Feb A solved, 23 Feb B filed anyway                      previous: 1 of 2 = 50 %
  2 Mar A (VPN) solved by A, 2 Mar A+B filed, 4 Mar B solved by B, 4 Mar D filed,
  6 Mar A (VPN) filed                                         this week: 2 of 5 = 40 %
"Was this helpful?": A yes (alice 2 Mar), A no "Still drops" (bob 3 Mar), B yes (dee
  4 Mar), D yes "Worked at once" (alice 5 Mar), D no (bob 25 Feb, outside): 3 of 4 = 75 %
Tickets resolved: t1 Service Desk, VPN, 3 Mar, linked A; t2 Service Desk 5 Mar; t3
  Network 6 Mar, linked A and D; t4 Network 25 Feb (outside), linked B; t5 open, linked D.
  Resolved 3, with an article 2 = 66.7 %.
Searches: "Toner" 0 results 2 Mar, "toner" 0 results 4 Mar, "vpn 809" 2 results scoring
  0.9 on 3 Mar (good), "badge reader" 1 result scoring 0.1 on 5 Mar, "badge reader" 0
  results 25 Feb (outside): 3 of 4 without a good result = 75 %.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from knowledge import services
from knowledge.models import Confidence
from reports.params import Period
from tests.factories import ServiceFactory
from tests.knowledge.conftest import make_article
from tickets.models import Status


def utc(*args) -> datetime:
    # tests/reports/conftest.py has the same helper, but imports this module for `kb`.
    return datetime(*args, tzinfo=UTC)


WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))
NOW = utc(2026, 3, 8, 12)


@pytest.fixture
def kb(build, team, network, alice, bob, dee):
    vpn = ServiceFactory(name="VPN")
    a = make_article(dee, title="VPN drops every hour", services_=[vpn], owner=dee,
                     review_at=date(2026, 3, 1))
    b = make_article(dee, title="Printer out of toner", review_at=date(2026, 3, 10))
    make_article(dee, title="Old fax guide", confidence=Confidence.ARCHIVED,
                 review_at=date(2026, 1, 1))
    d = make_article(dee, title="Reset your password", review_at=date(2026, 2, 20))

    def filing(at, shown, solved_by=None, service=None):
        made = services.deflection_record(user=alice, query="help", shown=[x.pk for x in shown],
                                          service=service, now=at)
        if solved_by is not None:
            services.deflection_solve(deflection=made, article=solved_by, actor=alice, now=at)

    filing(utc(2026, 2, 22, 9), [a], solved_by=a)
    filing(utc(2026, 2, 23, 9), [b])
    filing(utc(2026, 3, 2, 10), [a], solved_by=a, service=vpn)
    filing(utc(2026, 3, 2, 11), [a, b])
    filing(utc(2026, 3, 4, 9), [b], solved_by=b)
    filing(utc(2026, 3, 4, 10), [d])
    filing(utc(2026, 3, 6, 9), [a], service=vpn)

    for article, user, helpful, reason, at in (
            (a, alice, True, "", utc(2026, 3, 2, 12)), (a, bob, False, "Still drops",
                                                        utc(2026, 3, 3, 12)),
            (b, dee, True, "", utc(2026, 3, 4, 12)),
            (d, alice, True, "Worked at once", utc(2026, 3, 5, 12)),
            (d, bob, False, "", utc(2026, 2, 25, 12))):
        services.article_feedback_record(article=article, actor=user, helpful=helpful,
                                         reason=reason, now=at)

    def resolved(day, owner, links, **fields):
        ticket = build(utc(*day[:3], 8), team=owner, status=Status.RESOLVED,
                       resolved_at=utc(*day), **fields)
        for article in links:
            services.article_link_ticket(article=article, ticket=ticket, actor=dee)

    resolved((2026, 3, 3, 9), team, [a], service=vpn)
    resolved((2026, 3, 5, 9), team, [])
    resolved((2026, 3, 6, 9), network, [a, d])
    resolved((2026, 2, 25, 9), network, [b])
    services.article_link_ticket(article=d, ticket=build(utc(2026, 3, 6, 9)), actor=dee)

    for query, results, score, at in (("Toner", 0, None, utc(2026, 3, 2, 9)),
                                      ("toner", 0, None, utc(2026, 3, 4, 9)),
                                      ("vpn 809", 2, 0.9, utc(2026, 3, 3, 9)),
                                      ("badge reader", 1, 0.1, utc(2026, 3, 5, 9)),
                                      ("badge reader", 0, None, utc(2026, 2, 25, 9))):
        services.search_record(query=query, results=results, top_score=score, where="help",
                               user=alice, now=at)
    return {"vpn": vpn, "a": a, "b": b, "d": d}


def knowledge_activity(*, article_pk: int, ticket, dee, alice) -> None:
    """A little of everything the knowledge report counts, for a page audited with data in
    every section (tests/e2e/test_accessibility.py): a solved filing, an answer with a
    reason, a search that found nothing, a resolved ticket's link, an article due."""
    from django.utils import timezone

    from knowledge.models import Article

    article = Article.objects.get(pk=article_pk)
    filing = services.deflection_record(user=alice, query="restart", shown=[article.pk])
    services.deflection_solve(deflection=filing, article=article, actor=alice)
    services.article_feedback_record(article=article, actor=alice, helpful=False,
                                     reason="The steps did not match my screen.")
    services.search_record(query="badge reader", results=0, top_score=None, where="help",
                           user=alice)
    services.article_link_ticket(article=article, ticket=ticket, actor=dee)
    make_article(dee, title="Printer driver for the 3rd floor",
                 review_at=timezone.localdate() - timedelta(days=3))
