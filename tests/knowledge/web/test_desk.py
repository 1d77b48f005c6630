"""The desk's knowledge pages: list, write, edit, versions, restore, and the ticket panel."""

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleTicketLink, Audience, Confidence
from tests.factories import make_ticket
from tests.knowledge.conftest import make_article
from tickets import services as tickets
from tickets.models import Status

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("knowledge:desk_articles"), reverse("knowledge:desk_article_new")


def test_the_list_shows_drafts_to_support_engineers_and_searches(dee, client_for):
    make_article(dee, title="VPN draft", audience=Audience.INTERNAL,
                 confidence=Confidence.DRAFT)
    make_article(dee, title="Printer jams")
    client = client_for(dee)
    page = client.get(LIST).content.decode()
    assert "VPN draft" in page and "Printer jams" in page
    found = client.get(LIST, {"q": "vpn"}).content.decode()
    assert "VPN draft" in found and "Printer jams" not in found
    assert "Printer jams" not in client.get(LIST, {"confidence": "draft"}).content.decode()


def test_the_list_costs_the_same_queries_for_few_or_many(dee, client_for,
                                                         django_assert_max_num_queries):
    client = client_for(dee)
    for n in range(3):
        make_article(dee, title=f"Article {n}")
    client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for n in range(3, 25):
        make_article(dee, title=f"Article {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Article 24" in client.get(LIST).content.decode()


def test_write_edit_and_restore_through_the_pages(dee, client_for, service):
    client = client_for(dee)
    response = client.post(NEW, {"title": "Printer jams", "resolution": "Use tray 1.",
                                 "audience": "internal", "confidence": "draft",
                                 "services": [service.pk], "asset_kinds": ["workstation"]})
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == article.get_desk_url()
    edit = reverse("knowledge:desk_article_edit", args=[article.pk])
    assert client.post(edit, {"title": "Printer jams on floor 3", "resolution": "Use tray 1.",
                              "audience": "public", "confidence": "validated",
                              "version": 1}).status_code == 302
    stale = client.post(edit, {"title": "Old", "audience": "public", "resolution": "x",
                               "confidence": "validated", "version": 1})
    assert stale.status_code == 400 and "reload" in stale.content.decode()
    detail = client.get(article.get_desk_url()).content.decode()
    assert "Version 2" in detail and "Version 1" in detail
    assert "Printer jams" in client.get(
        reverse("knowledge:desk_version", args=[article.pk, 1])).content.decode()
    client.post(reverse("knowledge:desk_version_restore", args=[article.pk, 1]))
    article.refresh_from_db()
    assert (article.version, article.title, article.audience) == (3, "Printer jams", "internal")


def test_bad_input_shows_field_errors(dee, client_for):
    response = client_for(dee).post(NEW, {"title": "", "audience": "public",
                                          "confidence": "validated"})
    assert response.status_code == 400 and not Article.objects.exists()


def test_the_ticket_page_offers_create_article_once_resolved(alice, dee, client_for):
    ticket = make_ticket(alice, description="Mail me at alice@example.com")
    client = client_for(dee)
    ticket_url = reverse("desk:ticket", args=[ticket.ref])
    create = reverse("knowledge:desk_from_ticket", args=[ticket.ref])
    assert create not in client.get(ticket_url).content.decode()
    tickets.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED,
                              note="Cleared the cache.")
    assert create in client.get(ticket_url).content.decode()
    response = client.post(create)
    article = Article.objects.get()
    assert response.url == reverse("knowledge:desk_article_edit", args=[article.pk])
    assert article.symptoms == "Mail me at [e-mail]" and article.resolution == "Cleared the cache."
    assert ArticleTicketLink.objects.filter(article=article, ticket=ticket).exists()
    page = client.get(ticket_url).content.decode()
    assert article.get_desk_url() in page


def test_end_users_and_managers_cannot_create_from_a_ticket(alice, manny, dee, client_for):
    ticket = make_ticket(alice)
    tickets.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    create = reverse("knowledge:desk_from_ticket", args=[ticket.ref])
    assert client_for(alice).post(create).status_code == 403
    assert client_for(manny).post(create).status_code == 403
    assert create not in client_for(manny).get(
        reverse("desk:ticket", args=[ticket.ref])).content.decode()
    assert not Article.objects.exists()
