"""/api/v1/tickets: who may see and change what (401, 404 for others' tickets, 405)."""



from tests.factories import make_ticket
from tests.tickets.api.helpers import api, url
from tickets.models import Status, Ticket

EVERY_ENDPOINT = [
    ("get", None, None),
    ("patch", None, {"title": "Changed"}),
    ("post", "transition", {"status": "cancelled"}),
    ("get", "comments", None),
    ("post", "comments", {"body": "Hello"}),
    ("get", "attachments", None),
    ("post", "attachments", {"body": "Here"}),
    ("get", "events", None),
    ("post", "rate", {"rating": 5}),
]


def test_anonymous_requests_are_refused_with_401(alice):
    ticket = make_ticket(alice)
    assert api().get(url()).status_code == 401
    assert api().post(url(), {"title": "x"}, format="json").status_code == 401
    for method, action, data in EVERY_ENDPOINT:
        response = getattr(api(), method)(url(ticket, action), data, format="json")
        assert response.status_code == 401, (method, action)
    assert Ticket.objects.count() == 1


def test_anothers_ticket_is_404_on_every_endpoint_and_nothing_changes(alice, bob):
    ticket = make_ticket(alice)
    for method, action, data in EVERY_ENDPOINT:
        response = getattr(api(bob), method)(url(ticket, action), data, format="json")
        assert response.status_code == 404, (method, action)
    ticket.refresh_from_db()
    assert (ticket.version, ticket.status, ticket.comments.count()) == (1, Status.NEW, 0)


def test_a_malformed_or_unknown_ref_is_404(alice):
    ticket = make_ticket(alice)
    client = api(alice)
    assert client.get("/api/v1/tickets/XYZ-1/").status_code == 404
    assert client.get("/api/v1/tickets/INC-999999999999/").status_code == 404
    assert client.get(f"/api/v1/tickets/INC-{ticket.number}/").status_code == 200
    assert client.get(f"/api/v1/tickets/inc-{ticket.number}/").status_code == 200


def test_the_list_shows_end_users_only_their_own_tickets(alice, bob, dee, manny):
    mine = make_ticket(alice)
    make_ticket(bob)
    refs = [row["ref"] for row in api(alice).get(url()).json()["results"]]
    assert refs == [mine.ref]
    for staff in (dee, manny):
        assert api(staff).get(url()).json()["count"] == 2


def test_a_manager_reads_everything_but_changes_nothing(alice, manny):
    ticket = make_ticket(alice)
    client = api(manny)
    for action in (None, "comments", "attachments", "events"):
        assert client.get(url(ticket, action)).status_code == 200, action
    assert client.patch(url(ticket), {"title": "No"}, format="json").status_code == 403
    response = client.post(url(ticket, "transition"), {"status": "resolved"}, format="json")
    assert response.status_code == 403
    response = client.post(url(ticket, "comments"), {"body": "Hi"}, format="json")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert (ticket.version, ticket.status, ticket.title) == (1, Status.NEW,
                                                             "Printer on floor 3 jams")
    assert ticket.comments.count() == 0


def test_an_end_user_cannot_patch_even_their_own_ticket(alice):
    ticket = make_ticket(alice)
    response = api(alice).patch(url(ticket), {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_put_and_delete_are_not_offered(alice, dee):
    ticket = make_ticket(alice)
    assert api(dee).put(url(ticket), {"title": "x"}, format="json").status_code == 405
    assert api(dee).delete(url(ticket)).status_code == 405
    assert Ticket.objects.filter(pk=ticket.pk).exists()


# Listing -------------------------------------------------------------------------------
