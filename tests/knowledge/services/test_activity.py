"""Feedback, ticket links, article-from-ticket, searches and deflections."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from knowledge import services
from knowledge.models import (
    ArticleFeedback,
    ArticleTicketLink,
    Audience,
    Confidence,
    Deflection,
    SearchLog,
)
from tests.factories import AssetFactory, make_ticket
from tests.knowledge.conftest import make_article
from tickets import services as tickets
from tickets.models import Status

pytestmark = pytest.mark.django_db


def test_feedback_once_per_user_and_the_second_answer_replaces_the_first(dee, alice):
    article = make_article(dee)
    services.article_feedback_record(article=article, actor=alice, helpful=False,
                                     reason="Did not work on my Mac")
    services.article_feedback_record(article=article, actor=alice, helpful=True)
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful is True and feedback.reason == "" and feedback.user == alice


def test_nobody_rates_an_article_they_may_not_see(dee, alice):
    internal = make_article(dee, audience=Audience.INTERNAL)
    with pytest.raises(ValidationError):
        services.article_feedback_record(article=internal, actor=alice, helpful=True)
    with pytest.raises(PermissionDenied):
        services.article_feedback_record(article=internal, actor=None, helpful=True)
    assert not ArticleFeedback.objects.exists()


def test_links_are_unique_and_only_support_engineers_make_them(dee, alice):
    article, ticket = make_article(dee), make_ticket(alice)
    first = services.article_link_ticket(article=article, ticket=ticket, actor=dee)
    again = services.article_link_ticket(article=article, ticket=ticket, actor=dee)
    assert first.pk == again.pk and ArticleTicketLink.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.article_link_ticket(article=article, ticket=ticket, actor=alice)
    services.article_unlink_ticket(article=article, ticket=ticket, actor=dee)
    assert not ArticleTicketLink.objects.exists()


def _solved_ticket(alice, dee, service, category):
    asset = AssetFactory(name="lt-0042", kind="workstation", service=service)
    ticket = make_ticket(alice, title="VPN drops, call me on +44 20 7946 0958",
                         description="Since Monday the VPN drops. Mail me at "
                                     "alice.archer@example.com or call 0612345678.",
                         service=service, category=category, asset=asset)
    tickets.comment_add(ticket=ticket, actor=alice, body="Still broken, alice@example.com")
    tickets.comment_add(ticket=ticket, actor=dee, body="Secret: admin password", internal=True)
    tickets.comment_add(ticket=ticket, actor=dee, body="Did you restart it?")
    tickets.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED,
                              note="Switch to the SSL profile; ring 555-123-4567 if not.")
    return ticket


def test_a_resolved_ticket_becomes_a_linked_scrubbed_draft(alice, dee, service, category):
    ticket = _solved_ticket(alice, dee, service, category)
    article = services.article_create_from_ticket(ticket=ticket, actor=dee)
    assert article.audience == Audience.INTERNAL and article.confidence == Confidence.DRAFT
    assert article.title == "VPN drops, call me on [phone]"
    assert article.symptoms == ("Since Monday the VPN drops. Mail me at [e-mail] or call "
                                "[phone].")
    assert article.resolution == "Switch to the SSL profile; ring [phone] if not."
    assert article.category == category and list(article.services.all()) == [service]
    assert article.asset_kinds == ["workstation"] and article.owner == dee
    assert ArticleTicketLink.objects.get().ticket == ticket
    assert article.versions.count() == 1


def test_an_open_ticket_gives_no_article(alice, dee):
    with pytest.raises(ValidationError) as error:
        services.article_create_from_ticket(ticket=make_ticket(alice), actor=dee)
    assert "ticket" in error.value.message_dict


def test_searches_are_counted_with_the_searchers_role(alice, dee):
    services.search_record(query="  vpn 809 ", results=2, top_score=0.8, where="help",
                           user=alice)
    services.search_record(query="printer", results=0, top_score=None, where="api", user=None)
    services.search_record(query="x", results=1, top_score=0.1, where="desk", user=dee)
    assert list(SearchLog.objects.order_by("pk").values_list("query", "role")) == [
        ("vpn 809", "end_user"), ("printer", "anonymous"), ("x", "agent")]


def test_this_solved_it_ends_a_filing_once(dee, alice, bob, service):
    article = make_article(dee)
    deflection = services.deflection_record(user=alice, query="vpn", shown=[article.pk],
                                            service=service)
    with pytest.raises(PermissionDenied):
        services.deflection_solve(deflection=deflection, article=article, actor=bob)
    when = timezone.now()
    services.deflection_solve(deflection=deflection, article=article, actor=alice, now=when)
    services.deflection_solve(deflection=deflection, article=article, actor=alice)
    stored = Deflection.objects.get()
    assert stored.solved_by == article and stored.solved_at == when


def test_only_a_suggested_article_can_solve_a_filing(dee, alice):
    shown, other = make_article(dee), make_article(dee, title="Other")
    deflection = services.deflection_record(user=alice, query="vpn", shown=[shown.pk])
    with pytest.raises(ValidationError):
        services.deflection_solve(deflection=deflection, article=other, actor=alice)
    with pytest.raises(ValidationError):
        services.deflection_record(user=alice, query="vpn", shown=[])
