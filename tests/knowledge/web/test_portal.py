"""Suggestions while filing: the fragment, one deflection per filing, "This solved it"."""

import pytest
from django.urls import reverse

from knowledge.models import Audience, Deflection, SearchLog
from tests.factories import ServiceFactory
from tests.knowledge.conftest import make_article
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SUGGEST = reverse("knowledge:portal_suggest")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_new_ticket_form_asks_for_suggestions(client_for, alice):
    page = client_for(alice).get(reverse("portal:new")).content.decode()
    assert f'hx-get="{SUGGEST}"' in page and 'id="kb-suggestions"' in page


def test_suggestions_follow_the_title_the_audience_and_the_service(client_for, alice, dee,
                                                                   service):
    vpn = ServiceFactory(name="VPN")
    mail = make_article(dee, title="Mailbox full, cannot send", services_=[service],
                        symptoms="Outlook says your mailbox is full.")
    make_article(dee, title="Mailbox full on the VPN box", services_=[vpn])
    make_article(dee, title="Mailbox full: internal runbook", audience=Audience.INTERNAL)
    client = client_for(alice)
    assert "<li" not in client.get(SUGGEST, {"title": "mail"}, **HTMX).content.decode()
    page = client.get(SUGGEST, {"title": "mailbox full", "service": service.pk},
                      **HTMX).content.decode()
    assert mail.title in page and "VPN box" not in page and "runbook" not in page
    assert "<mark>" in page
    assert SearchLog.objects.get().where == "portal"


def test_one_filing_is_one_deflection_and_this_solved_it_ends_it(client_for, alice, dee):
    first = make_article(dee, title="Mailbox full, cannot send")
    second = make_article(dee, title="Mailbox quota explained")
    client = client_for(alice)
    client.get(SUGGEST, {"title": "mailbox full"}, **HTMX)
    deflection = Deflection.objects.get()
    client.get(SUGGEST, {"title": "mailbox quota", "deflection": deflection.pk}, **HTMX)
    deflection.refresh_from_db()
    assert Deflection.objects.count() == 1 and set(deflection.shown) == {first.pk, second.pk}
    preview = client.get(reverse("knowledge:portal_suggest_article", args=[first.pk]),
                         {"deflection": deflection.pk}, **HTMX).content.decode()
    assert "This solved it" in preview and "No, file my ticket" in preview
    solved = reverse("knowledge:portal_solved", args=[deflection.pk])
    response = client.post(solved, {"article": first.pk}, **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("portal:home")
    deflection.refresh_from_db()
    assert deflection.solved_by == first and not Ticket.objects.exists()


def test_nobody_ends_someone_elses_filing_or_previews_a_hidden_article(client_for, alice, bob,
                                                                       dee):
    article = make_article(dee, title="Mailbox full, cannot send")
    client_for(alice).get(SUGGEST, {"title": "mailbox full"}, **HTMX)
    deflection = Deflection.objects.get()
    solved = reverse("knowledge:portal_solved", args=[deflection.pk])
    assert client_for(bob).post(solved, {"article": article.pk}).status_code == 404
    internal = make_article(dee, title="Internal", audience=Audience.INTERNAL)
    assert client_for(alice).get(reverse("knowledge:portal_suggest_article",
                                         args=[internal.pk])).status_code == 404
    deflection.refresh_from_db()
    assert deflection.solved_at is None
