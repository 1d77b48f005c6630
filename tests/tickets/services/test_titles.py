"""A ticket title is one line wherever it is typed: the service, the portal form and the
API all normalise it the same way, and the e-mails about the ticket still go out."""

import pytest
from django.core import mail

from tests.factories import mail_settled, make_ticket
from tests.tickets.api.helpers import api
from tests.tickets.api.helpers import url as api_url
from tests.tickets.web.portal.helpers import form_data, url
from tickets import services
from tickets.models import Ticket
from tickets.rules import title_normalise

BROKEN = ["Printer\nbroken", "Printer\r\nbroken", "Printer\u2028broken",
          " Printer \t\u2029 broken\u0085"]


@pytest.mark.parametrize("title", BROKEN)
def test_every_line_break_and_whitespace_run_becomes_one_space(title):
    assert title_normalise(title) == "Printer broken"


@pytest.mark.parametrize("title", BROKEN)
def test_the_service_stores_one_line_and_the_team_still_gets_its_mail(
        title, alice, dee, team, django_capture_on_commit_callbacks):
    team.members.add(dee)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(alice, title=title, team=team)
    assert ticket.title == "Printer broken"
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["dee@example.com"].endswith("New incident: Printer broken")
    assert subjects["alice@example.com"].endswith("We received your request: Printer broken")
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_update(ticket=ticket, actor=dee, title="Still\r\nbroken")
    ticket.refresh_from_db()
    assert ticket.title == "Still broken"


@pytest.mark.parametrize("title", BROKEN)
def test_the_portal_form_files_the_one_line_title(title, alice, client_for):
    response = client_for(alice).post(url("new"), form_data(title=title))
    assert response.status_code == 302
    assert Ticket.objects.get().title == "Printer broken"


def test_a_title_of_only_line_breaks_is_refused_by_the_form(alice, client_for):
    response = client_for(alice).post(url("new"), form_data(title="\r\n\u2028"))
    assert response.status_code == 200 and not Ticket.objects.exists()


@pytest.mark.parametrize("title", BROKEN)
def test_the_api_files_and_answers_the_one_line_title(title, alice, dee):
    response = api(alice).post(api_url(), {"title": title}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "Printer broken"
    ticket = Ticket.objects.get()
    response = api(dee).patch(api_url(ticket), {"title": "Still\nbroken",
                                                "version": ticket.version}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Still broken"
