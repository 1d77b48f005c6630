"""The demo's knowledge base: articles for every audience and confidence that answer the
demo's ticket stories, drafts made from solved tickets, and a history of use that gives
the knowledge report figures; a second run adds nothing."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from itsm.models import User
from knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
    Deflection,
    SearchLog,
)
from reports.figures.knowledge import GOOD_SCORE, no_good_result
from tickets.models import Status

NOW = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)  # a Thursday afternoon
MODELS = (Article, ArticleVersion, ArticleFeedback, ArticleTicketLink, SearchLog, Deflection)


def seed(at=NOW) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("seed_demo", demo_tickets=40, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(db):
    return seed()


def test_articles_cover_every_audience_and_confidence_and_some_come_from_tickets(seeded):
    assert "new knowledge articles" in seeded
    articles = Article.objects.all()
    assert articles.count() >= 20
    assert set(articles.values_list("audience", flat=True)) == {"internal", "customers",
                                                                "public"}
    assert set(articles.values_list("confidence", flat=True)) == {
        "draft", "not_validated", "validated", "archived"}
    assert articles.filter(confidence="archived").count() == 1
    assert not articles.filter(owner__isnull=True).exists()
    assert not articles.filter(category__isnull=True).exists()
    assert articles.filter(services__isnull=False).distinct().count() >= 15
    assert articles.filter(review_at__lt=NOW.date()).count() >= 3
    # Written through the services: each has its versions, the retired one two.
    assert ArticleVersion.objects.filter(number=1).count() == articles.count()
    assert ArticleVersion.objects.get(article__confidence="archived", number=2).note
    # Resolved demo tickets became linked internal drafts.
    drafts = Article.objects.filter(confidence="draft", ticket_links__isnull=False)
    assert 2 <= drafts.count() <= 3
    for article in drafts:
        link = article.ticket_links.get()
        assert link.ticket.status in (Status.RESOLVED, Status.CLOSED)
        assert article.audience == "internal" and article.created_by == link.ticket.assignee
        assert link.ticket.resolved_at < article.created_at <= NOW


def test_a_newcomer_typing_about_the_vpn_on_the_portal_sees_suggestions(seeded, client):
    client.force_login(User.objects.get(username="alice"))
    page = client.get(reverse("knowledge:portal_suggest"), {"title": "vpn keeps dropping"})
    assert page.status_code == 200
    assert "VPN drops every few minutes at home" in page.content.decode()
    for query in ("outlook password", "printer jams", "reset password", "shared drive"):
        hits = client.get(reverse("knowledge:portal_suggest"), {"title": query}).context["hits"]
        assert hits, query
        assert all(hit.article.audience != "internal" for hit in hits)


def test_the_history_of_use_gives_the_report_plausible_figures(seeded):
    history = NOW - timedelta(days=61)
    searches = SearchLog.objects.all()
    no_good = searches.filter(no_good_result()).count()
    assert 0 < no_good < searches.count() / 2
    assert searches.filter(top_score__gte=GOOD_SCORE).exists()
    assert set(searches.values_list("where", flat=True)) >= {"portal", "help", "desk"}
    deflections = Deflection.objects.all()
    solved = deflections.filter(solved_at__isnull=False).count()
    assert 0 < solved < deflections.count()
    feedback = ArticleFeedback.objects.all()
    assert feedback.filter(helpful=True).count() > feedback.filter(helpful=False).count() > 0
    assert feedback.filter(helpful=False).exclude(reason="").exists()
    assert ArticleTicketLink.objects.count() > 3  # engineers linked what they used
    for model, field in ((SearchLog, "at"), (Deflection, "at"), (ArticleFeedback, "at"),
                         (ArticleTicketLink, "at")):
        moments = model.objects.values_list(field, flat=True)
        assert all(history <= at <= NOW for at in moments), model.__name__
        assert len({at.date() for at in moments}) > 5, model.__name__  # spread, not a pile
    # Nothing was shown or rated before it was written.
    articles = dict(Article.objects.values_list("pk", "created_at"))
    for deflection in Deflection.objects.all():
        assert all(articles[pk] < deflection.at for pk in deflection.shown)
    for feedback in ArticleFeedback.objects.select_related("article"):
        assert feedback.article.created_at < feedback.at


def test_a_second_run_days_later_adds_nothing(seeded):
    first = counts()
    seed(NOW + timedelta(days=3))
    assert counts() == first


def test_a_deleted_article_comes_back_without_its_history_twice(seeded):
    from knowledge.services import article_delete

    article = Article.objects.get(title="Guest Wi-Fi for visitors")
    article_delete(actor=article.owner, article=article)
    searches = SearchLog.objects.count()
    seed(NOW + timedelta(days=1))
    assert Article.objects.filter(title="Guest Wi-Fi for visitors").count() == 1
    assert SearchLog.objects.count() == searches
