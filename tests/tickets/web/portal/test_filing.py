"""The portal's new-ticket form: filing with files, bad input, what a user may set."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tests.tickets.web.portal.helpers import (
    form_data,
    png_bytes,
    stored_files,
    upload,
    url,
)
from tickets.models import Attachment, Kind, Level, Status, Ticket, TicketEvent


def test_it_files_a_ticket_with_two_attachments_and_redirects_to_it(
        alice, category, service, client_for, settings, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    files = [upload("error.log"), upload("screen.png", png_bytes(), "image/png")]
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("new"), form_data(
            category=category.pk, service=service.pk, files=files))

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("ticket", ticket)
    assert (ticket.requester, ticket.source, ticket.title) == (alice, "portal",
                                                               "VPN drops every hour")
    assert (ticket.category, ticket.service) == (category, service)
    assert ticket.team == category.default_team
    names = sorted(ticket.attachments.values_list("original_name", flat=True))
    assert names == ["error.log", "screen.png"]
    assert len(stored_files(settings)) == 2
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions.count(TicketEvent.Action.ATTACHED) == 2
    assert TicketEvent.Action.CREATED in actions
    assert "alice@example.com" in [address for m in mail.outbox for address in m.to]

    page = client.get(response["Location"])
    assert f"We received {ticket.ref}" in page.content.decode()
    assert "error.log" in page.content.decode()


def test_a_service_request_gets_its_own_numbering(alice, client_for):
    response = client_for(alice).post(url("new"), form_data(kind=Kind.REQUEST))
    ticket = Ticket.objects.get()
    assert ticket.kind == Kind.REQUEST
    assert response["Location"] == reverse("portal:ticket", args=[ticket.ref])
    assert ticket.ref.startswith("REQ-")


def test_the_form_asks_impact_and_urgency_in_plain_words(alice, client_for):
    from tickets.rules import IMPACT_WORDS, URGENCY_WORDS

    html = client_for(alice).get(url("new")).content.decode()
    for words in [*IMPACT_WORDS.values(), *URGENCY_WORDS.values()]:
        assert words in html
    assert re.search(r'<input[^>]*type="file"[^>]*multiple', html)
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"impact": "7"}, "impact"),
    ({"urgency": "soon"}, "urgency"),
    ({"kind": "problem"}, "kind"),
    ({"files": [upload("tool.exe", b"MZ\x90\x00")]}, "files"),
    ({"files": [upload("logo.svg", b"<svg onload=alert(1)>", "image/svg+xml")]}, "files"),
    ({"files": [upload("page.html", b"<script>alert(1)</script>", "text/html")]}, "files"),
    ({"files": [upload("ok.txt"), upload("empty.txt", b"")]}, "files"),
])
def test_bad_input_rerenders_with_a_field_error_and_writes_nothing(
        alice, client_for, settings, overrides, field):
    response = client_for(alice).post(url("new"), form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_an_oversize_file_is_refused_and_nothing_is_stored(alice, client_for, settings):
    settings.TEND_UPLOAD_MAX_BYTES = 1024
    files = [upload("small.txt"), upload("big.log", b"x" * 2048)]
    response = client_for(alice).post(url("new"), form_data(files=files))
    assert response.status_code == 200
    assert "big.log" in " ".join(response.context["form"].errors["files"])
    assert not Ticket.objects.exists()
    assert stored_files(settings) == []


def test_a_file_the_service_refuses_is_shown_on_the_files_field(
        alice, client_for, settings, monkeypatch):
    # The service is the last word: if its rules are stricter than the form's, its error
    # still lands on the field and nothing is written.
    from django.core.exceptions import ValidationError

    from tickets import uploads

    def refuse(files, **kwargs):
        raise ValidationError({"files": ["Not today."]})

    # The form's field bound the real check when it was defined, so only the service
    # (which looks the check up on each call) is stricter here.
    monkeypatch.setattr(uploads, "validate_files", refuse)
    response = client_for(alice).post(url("new"), form_data(files=[upload("a.txt")]))
    assert response.context["form"].errors["files"] == ["Not today."]
    assert not Ticket.objects.exists()
    assert stored_files(settings) == []


def test_fields_a_user_may_not_set_are_ignored(alice, bob, dee, team, client_for, settings):
    settings.TEND_TRIAGE_TEAM = "Front Line"
    response = client_for(alice).post(url("new"), form_data(
        requester=bob.pk, status=Status.RESOLVED, priority=1, assignee=dee.pk, team=team.pk,
        number=999_999, source="monitoring", created_by=dee.pk, impact=Level.LOW,
        urgency=Level.LOW))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.requester == alice
    assert ticket.status == Status.NEW
    assert ticket.priority == 4  # from the matrix for low × low, not the posted 1
    assert ticket.assignee is None and ticket.team.name == "Front Line"  # triage, not posted
    assert ticket.number != 999_999 and ticket.source == "portal"


def test_only_active_categories_and_services_are_offered(alice, category, service, client_for):
    from tests.factories import CategoryFactory, ServiceFactory

    CategoryFactory(name="Retired category", is_active=False)
    ServiceFactory(name="Retired service", is_active=False)
    html = client_for(alice).get(url("new")).content.decode()
    assert category.name in html and service.name in html
    assert "Retired category" not in html and "Retired service" not in html
    retired = ServiceFactory(name="Old fax", is_active=False)
    response = client_for(alice).post(url("new"), form_data(service=retired.pk))
    assert response.context["form"].errors["service"]


# My tickets


def test_filing_takes_a_fixed_handful_of_queries(alice, team, client_for,
                                                 django_assert_num_queries):
    # Filing is the hottest write: the user, the savepoint, the number, the ticket, its
    # timeline, the outbox row. Configuration comes from the per-process cache.
    client = client_for(alice)
    client.post(url("new"), form_data())  # fills the per-process caches
    # PostgreSQL takes the number inside the INSERT; SQLite bumps a counter row first.
    # The report facts add one statement on PostgreSQL (their INSERTs chained), three on
    # SQLite (the day, category and open-count rows).
    with django_assert_num_queries(7 + 3 * (connection.vendor == "sqlite")):
        assert client.post(url("new"), form_data()).status_code == 302
