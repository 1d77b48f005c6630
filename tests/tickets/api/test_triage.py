"""/api/v1/tickets: triage (PATCH): fields, the matrix, refusals and stale edits."""


import pytest

from tests.factories import make_ticket
from tests.tickets.api.helpers import api, url
from tickets import services
from tickets.models import Level, Status


def test_an_agent_changes_triage_fields_and_priority_follows_the_matrix(alice, dee, team):
    ticket = make_ticket(alice, impact=Level.LOW, urgency=Level.LOW)
    response = api(dee).patch(url(ticket), {
        "title": "Printer on floor 3 jams (all trays)", "team": team.pk, "assignee": dee.pk,
        "impact": Level.HIGH, "urgency": Level.HIGH, "version": 1,
    }, format="json")
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.team, ticket.priority) == (dee, team, 1)
    data = response.json()
    assert data["version"] == ticket.version > 1
    assert data["assignee"]["id"] == dee.pk
    assert data["priority"] == 1


def test_an_agent_can_clear_the_assignee_with_null(alice, dee):
    ticket = make_ticket(alice, assignee=dee)
    response = api(dee).patch(url(ticket), {"assignee": None}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee is None


@pytest.mark.parametrize(("payload", "field", "hint"), [
    ({"status": "resolved"}, "status", "transition"),
    ({"number": 99}, "number", "read-only"),
    ({"kind": "problem"}, "kind", "cannot be changed"),
    ({"requester": 1}, "requester", "cannot be changed"),
    ({"description": "new"}, "description", "comment"),
    ({"title": ""}, "title", ""),
    ({"impact": 0}, "impact", ""),
    ({"version": "old"}, "version", ""),
    ({"assignee": 99999}, "assignee", ""),
])
def test_patch_refuses_what_cannot_be_set_naming_the_field(alice, dee, payload, field, hint):
    ticket = make_ticket(alice)
    response = api(dee).patch(url(ticket), payload, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert hint in response.json()[field][0]
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_patch_with_an_assignee_outside_the_team_is_a_400(alice, bob, dee):
    ticket = make_ticket(alice)
    response = api(dee).patch(url(ticket), {"assignee": bob.pk}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["assignee"])


def test_a_stale_patch_is_a_409_listing_the_changes_and_saves_nothing(alice, dee, dan):
    ticket = make_ticket(alice)
    services.ticket_update(ticket=ticket, actor=dan, version=1, title="Renamed by Dan")
    response = api(dee).patch(url(ticket), {"title": "Renamed by Dee", "version": 1},
                              format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2
    assert [(c["field"], c["new_value"], c["actor"]["id"]) for c in body["changes"]] == [
        ("title", "Renamed by Dan", dan.pk)]
    ticket.refresh_from_db()
    assert (ticket.title, ticket.version) == ("Renamed by Dan", 2)
    response = api(dee).patch(url(ticket), {"title": "Renamed by Dee", "version": 2},
                              format="json")
    assert response.status_code == 200


def test_a_closed_ticket_cannot_be_patched(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.CANCELLED)
    response = api(dee).patch(url(ticket), {"title": "Too late"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["status"])
