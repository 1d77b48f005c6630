"""Suggested articles on the desk ticket page: insert into the reply, link to the ticket."""

import pytest
from django.urls import reverse

from knowledge.models import ArticleTicketLink
from tests.factories import make_ticket
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db


def test_the_ticket_page_suggests_articles_to_insert_or_link(alice, dee, client_for):
    article = make_article(dee, title="Printer jams on every page",
                           resolution="Use tray 1 until the rollers are replaced.")
    make_article(dee, title="VPN error 809")
    ticket = make_ticket(alice, title="Printer on floor 3 jams")
    client = client_for(dee)
    url = reverse("desk:ticket", args=[ticket.ref])
    page = client.get(url).content.decode()
    assert "Suggested articles" in page and article.title in page and "VPN error" not in page
    assert 'data-kb-insert="Use tray 1 until the rollers are replaced."' in page
    assert f"/help/articles/{article.pk}/)" in page  # the Markdown link to insert
    link = reverse("knowledge:desk_link", args=[article.pk, ticket.ref])
    assert client.post(link).status_code == 302
    assert ArticleTicketLink.objects.filter(article=article, ticket=ticket, by=dee).exists()
    page = client.get(url).content.decode()
    assert link not in page  # linked now: listed in the knowledge panel, not suggested


def test_managers_see_suggestions_but_cannot_link(alice, dee, manny, client_for):
    article = make_article(dee, title="Printer jams on every page")
    ticket = make_ticket(alice, title="Printer jams")
    page = client_for(manny).get(reverse("desk:ticket", args=[ticket.ref])).content.decode()
    assert article.title in page and "Insert resolution" not in page
    link = reverse("knowledge:desk_link", args=[article.pk, ticket.ref])
    assert client_for(manny).post(link).status_code == 403
    assert not ArticleTicketLink.objects.exists()
