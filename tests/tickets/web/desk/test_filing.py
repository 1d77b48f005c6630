"""Filing a ticket for a caller on the desk, the workspace's query budget, and work Tend
raised itself."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TeamFactory, make_ticket
from tickets import services
from tickets.models import Level, Source, Ticket, TicketEvent

from .test_ticket import url


@pytest.fixture(name="ticket")
def _ticket(alice, team):
    return make_ticket(alice, title="Printer on floor 3 jams", team=team)

# A DSE files a ticket for a caller ----------------------------------------------------

def test_a_dse_files_a_ticket_for_alice_from_a_phone_call(
        client_for, dee, alice, team, category, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    data = {"requester": alice.pk, "source": "phone", "kind": "incident",
            "title": "Cannot log in to ERP", "description": "Since this morning",
            "category": category.pk, "impact": Level.MEDIUM, "urgency": Level.HIGH,
            "assignee": dee.pk, "files": [SimpleUploadedFile("screen.png", b"\x89PNG....")]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dee).post(reverse("desk:new"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == ticket.get_desk_url()
    assert (ticket.requester, ticket.source, ticket.team, ticket.assignee) == (
        alice, Source.PHONE, team, dee)
    assert ticket.attachments.count() == 1
    created = TicketEvent.objects.get(ticket=ticket, action="created")
    assert created.actor == dee
    assert "alice@example.com" in [address for m in mail.outbox for address in m.to]


def test_the_new_ticket_form_can_start_with_the_caller_chosen(client_for, dee, alice):
    response = client_for(dee).get(reverse("desk:new"), {"requester": alice.pk})
    assert response.status_code == 200
    assert response.context["form"]["requester"].value() == str(alice.pk)


@pytest.mark.parametrize("changes", [{"title": ""}, {"requester": "999999"},
                                     {"assignee": "bob"}, {"source": "monitoring"},
                                     {"kind": "nonsense"}])
def test_bad_new_ticket_input_is_a_form_error(client_for, dee, bob, changes):
    data = {"requester": bob.pk, "source": "phone", "kind": "incident", "title": "Help",
            "impact": Level.LOW, "urgency": Level.LOW}
    data.update({k: (bob.pk if v == "bob" else v) for k, v in changes.items()})
    response = client_for(dee).post(reverse("desk:new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Ticket.objects.exists()


def test_an_assignee_outside_the_routed_team_is_a_form_error(client_for, dee, alice):
    network = TeamFactory(name="Network")
    data = {"requester": alice.pk, "source": "email", "kind": "incident", "title": "Help",
            "impact": Level.LOW, "urgency": Level.LOW, "team": network.pk, "assignee": dee.pk}
    response = client_for(dee).post(reverse("desk:new"), data)
    assert response.status_code == 400
    assert "assignee" in response.context["form"].errors


# Query budget -------------------------------------------------------------------------

def _page_queries(client, ticket) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("ticket", ticket))
    assert response.status_code == 200
    return len(queries)


def _comment_with_file(ticket, author, n):
    services.comment_add(ticket=ticket, actor=author, body=f"Comment {n}", internal=n % 2 == 0,
                         files=[SimpleUploadedFile(f"f{n}.txt", b"data")])


def test_the_workspace_runs_the_same_queries_for_2_or_15_comments(client_for, dee, dan, alice,
                                                                   ticket):
    client = client_for(dee)
    client.get(url("ticket", ticket))  # the session's first save and the per-process caches
    for n in range(2):
        _comment_with_file(ticket, dan if n % 2 else dee, n)
    services.time_log(ticket=ticket, actor=dee, minutes=10)
    make_ticket(alice, title="Another")
    few = _page_queries(client, ticket)
    for n in range(2, 15):
        _comment_with_file(ticket, dan if n % 2 else dee, n)
    make_ticket(alice, title="Yet another")
    many = _page_queries(client, ticket)
    assert few == many
    assert len(client.get(url("ticket", ticket)).context["comments"]) == 15


def test_work_tend_raised_itself_does_not_treat_tend_as_a_person(client_for, dee, team):
    from itsm.services.system_user import system_user_get
    from tests.factories import make_ticket as file_ticket
    from tickets.models import Source

    tend = system_user_get()
    earlier = file_ticket(tend, title="Earlier outage", team=team, source=Source.MONITORING)
    ticket = file_ticket(tend, title="Web check down", team=team, source=Source.MONITORING)
    response = client_for(dee).get(ticket.get_desk_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "other tickets" not in body and earlier.ref not in body
    assert "A public reply is e-mailed to Tend" not in body
    assert "a public reply is not e-mailed to anyone" in body
    assert "Another ticket for Tend" not in body
