"""Who may open and act on portal pages: sign-in, 404 for others' tickets, POST only."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tests.tickets.web.portal.helpers import url
from tickets import services
from tickets.models import Status, Ticket

PORTAL_GETS = ["home", "new", "ticket"]
TICKET_POSTS = ["reply", "confirm", "reopen", "rate", "cancel"]


@pytest.mark.parametrize("name", PORTAL_GETS + TICKET_POSTS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in_from_every_portal_url(alice, client, name, method):
    ticket = make_ticket(alice)
    target = url(name, ticket if name not in ("home", "new") else None)
    response = getattr(client, method)(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]
    assert Ticket.objects.get().status == Status.NEW


@pytest.mark.parametrize("name", TICKET_POSTS)
def test_another_users_ticket_is_404_for_every_action(alice, bob, dee, client_for, name):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(bob).post(url(name, ticket), {
        "body": "hi", "note": "hi", "rating": 5})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.rating is None
    assert not ticket.comments.filter(author=bob).exists()


def test_another_users_ticket_page_is_404_like_a_missing_one(alice, bob, client_for):
    ticket = make_ticket(alice)
    client = client_for(bob)
    assert client.get(url("ticket", ticket)).status_code == 404
    assert client.get(reverse("portal:ticket", args=["INC-999999999"])).status_code == 404
    assert client.get(reverse("portal:ticket", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("name", TICKET_POSTS)
def test_actions_are_post_only(alice, client_for, name):
    ticket = make_ticket(alice)
    assert client_for(alice).get(url(name, ticket)).status_code == 405


def test_support_staff_see_any_ticket_in_the_portal(alice, dee, manny, client_for):
    ticket = make_ticket(alice)
    assert client_for(dee).get(url("ticket", ticket)).status_code == 200
    assert client_for(manny).get(url("ticket", ticket)).status_code == 200


def test_a_manager_can_read_but_not_reply_and_sees_no_forms(alice, manny, client_for):
    ticket = make_ticket(alice)
    client = client_for(manny)
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("reply", ticket) not in html
    assert url("cancel", ticket) not in html
    response = client.post(url("reply", ticket), {"body": "Manager says hi"})
    assert response.status_code == 403
    assert not ticket.comments.exists()


@pytest.mark.parametrize("name", ["confirm", "reopen", "rate", "cancel"])
def test_requester_only_actions_are_403_for_staff_on_a_ticket_they_can_see(
        alice, dee, manny, client_for, name):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    for user in (dee, manny):
        response = client_for(user).post(url(name, ticket), {"note": "x", "rating": 5})
        assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.rating is None


# The ticket page and its actions
