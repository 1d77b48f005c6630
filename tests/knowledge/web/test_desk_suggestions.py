"""Suggested articles on the desk ticket page: insert into the reply, link to the ticket.

The page holds a slot that htmx fills from knowledge:desk_ticket_suggestions after it loads
(a search costs as much as the rest of the page)."""

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
    slot = reverse("knowledge:desk_ticket_suggestions", args=[ticket.ref])
    ticket_page = client.get(reverse("desk:ticket", args=[ticket.ref])).content.decode()
    assert f'hx-get="{slot}"' in ticket_page and article.title not in ticket_page
    page = client.get(slot).content.decode()
    assert "Suggested articles" in page and article.title in page and "VPN error" not in page
    assert 'data-kb-insert="Use tray 1 until the rollers are replaced."' in page
    assert f"/help/articles/{article.pk}/)" in page  # the Markdown link to insert
    link = reverse("knowledge:desk_link", args=[article.pk, ticket.ref])
    assert client.post(link).status_code == 302
    assert ArticleTicketLink.objects.filter(article=article, ticket=ticket, by=dee).exists()
    page = client.get(slot).content.decode()
    assert link not in page  # linked now: listed in the knowledge panel, not suggested


def test_managers_see_suggestions_but_cannot_link(alice, dee, manny, client_for):
    article = make_article(dee, title="Printer jams on every page")
    ticket = make_ticket(alice, title="Printer jams")
    page = client_for(manny).get(reverse("knowledge:desk_ticket_suggestions",
                                          args=[ticket.ref])).content.decode()
    assert article.title in page and "Insert resolution" not in page
    link = reverse("knowledge:desk_link", args=[article.pk, ticket.ref])
    assert client_for(manny).post(link).status_code == 403
    assert not ArticleTicketLink.objects.exists()


def test_the_suggestions_are_for_staff_and_for_tickets_they_may_see(alice, dee, client_for):
    make_article(dee, title="Printer jams on every page")
    ticket = make_ticket(alice, title="Printer jams")
    url = reverse("knowledge:desk_ticket_suggestions", args=[ticket.ref])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(dee).get(reverse("knowledge:desk_ticket_suggestions",
                                       args=["INC-999999"])).status_code == 404


def test_a_ticket_nothing_answers_gets_no_panel(alice, dee, client_for):
    ticket = make_ticket(alice, title="Coffee machine")
    url = reverse("knowledge:desk_ticket_suggestions", args=[ticket.ref])
    assert client_for(dee).get(url).content.decode().strip() == ""
