"""/api/v1/tickets: listing (filters, search, sort, query budget) and ticket outputs."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import AssetFactory, api_key, make_ticket
from tests.tickets.api.helpers import XSS, api, assert_harmless, url
from tickets import services
from tickets.models import Kind, Level, Status, Ticket


def test_the_list_filters_by_status_kind_and_assignee(alice, dee):
    incident = make_ticket(alice)
    request = make_ticket(alice, kind=Kind.REQUEST)
    assigned = make_ticket(alice, assignee=dee)
    services.ticket_transition(ticket=incident, actor=dee, to=Status.RESOLVED)
    client = api(dee)

    def refs(query):
        response = client.get(url(), query)
        assert response.status_code == 200, response.content
        return {row["ref"] for row in response.json()["results"]}

    assert refs({"status": "resolved"}) == {incident.ref}
    assert refs({"status": ["new", "resolved"]}) == {incident.ref, request.ref, assigned.ref}
    assert refs({"kind": "request"}) == {request.ref}
    assert refs({"assignee": dee.pk}) == {assigned.ref}
    assert refs({"assignee": "none"}) == {incident.ref, request.ref}


def test_the_list_searches_titles_and_finds_a_ref(alice, dee):
    vpn = make_ticket(alice, title="VPN drops every hour")
    printer = make_ticket(alice, title="Printer jams")
    client = api(dee)
    found = client.get(url(), {"q": "vpn"}).json()["results"]
    assert [row["ref"] for row in found] == [vpn.ref]
    found = client.get(url(), {"q": printer.ref}).json()["results"]
    assert [row["ref"] for row in found] == [printer.ref]


def test_the_list_sorts_as_asked(alice, dee):
    numbers = [make_ticket(alice, title=title, impact=impact, urgency=Level.HIGH).number
               for impact, title in ((Level.LOW, "b"), (Level.HIGH, "c"), (Level.MEDIUM, "a"))]
    client = api(dee)

    def column(sort, name):
        return [row[name] for row in client.get(url(), {"sort": sort}).json()["results"]]

    assert column("priority", "priority") == sorted(column("priority", "priority"))
    assert column("-priority", "priority") == sorted(column("priority", "priority"),
                                                     reverse=True)
    assert column("title", "title") == ["a", "b", "c"]
    assert column("created", "number") == numbers
    assert column("-created", "number") == numbers[::-1]


@pytest.mark.parametrize("query", [
    {"status": "bogus"}, {"sort": "sideways"}, {"team": "abc"}, {"kind": "nope"},
    {"team": "99999999999999999999999"},
])
def test_the_list_refuses_bad_filter_values_with_400(alice, dee, query):
    make_ticket(alice)
    response = api(dee).get(url(), query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_the_list_costs_the_same_queries_for_3_and_30_tickets(alice, dee, category, service):
    asset = AssetFactory(service=service)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(dee)}")

    def make(n):
        for _ in range(n):
            make_ticket(alice, assignee=dee, category=category, service=service, asset=asset)

    make(3)
    client.get(url())  # the token's first use records last_used_at (once a minute)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url(), {"page_size": 50})
    assert len(response.json()["results"]) == 3
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(), {"page_size": 50})
    assert len(response.json()["results"]) == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_list_leaves_descriptions_out_and_links_to_the_right_web_page(alice, dee):
    ticket = make_ticket(alice)
    row = api(alice).get(url()).json()["results"][0]
    assert "description" not in row
    assert row["links"]["web"].endswith(ticket.get_absolute_url())
    assert row["links"]["api"].endswith(url(ticket))
    row = api(dee).get(url()).json()["results"][0]
    assert row["links"]["web"].endswith(ticket.get_desk_url())


# Reading one ------------------------------------------------------------------------


def test_a_ticket_carries_raw_markdown_and_sanitized_html(alice):
    ticket = make_ticket(alice, description="It jams on every **second** page.")
    data = api(alice).get(url(ticket)).json()
    assert data["description"] == "It jams on every **second** page."
    assert "<strong>second</strong>" in data["description_html"]
    assert data["requester"] == {"id": alice.pk, "name": "Alice Archer"}
    assert (data["ref"], data["status"], data["version"]) == (ticket.ref, "new", 1)
    assert data["priority_label"] == ticket.get_priority_display()


def test_script_in_title_description_and_comments_comes_back_as_inert_data(alice, dee):
    ticket = make_ticket(alice, title="<script>alert('t')</script>", description=XSS)
    services.comment_add(ticket=ticket, actor=dee, body=XSS)
    response = api(alice).get(url(ticket))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["title"] == "<script>alert('t')</script>"
    assert data["description"] == XSS
    assert_harmless(data["description_html"])
    comment = api(alice).get(url(ticket, "comments")).json()["results"][0]
    assert comment["body"] == XSS
    assert_harmless(comment["body_html"])


# Filing -------------------------------------------------------------------------------


@pytest.mark.parametrize("as_agent", [False, True])
def test_the_direct_ticket_output_equals_the_declared_fields(
        alice, dee, team, category, service, as_agent, rf):
    from tickets.api.serializers import TicketDetailSerializer, TicketSerializer

    asset = AssetFactory(service=service)
    bare = make_ticket(alice)
    full = make_ticket(alice, description=XSS, category=category, service=service,
                       asset=asset, team=team, assignee=dee)
    services.comment_add(ticket=full, actor=dee, body="Fixed")
    services.ticket_transition(ticket=full, actor=dee, to=Status.RESOLVED)
    full = Ticket.objects.get(pk=full.pk)
    services.ticket_rate(ticket=full, actor=alice, rating=4, comment="Quick")
    request = rf.get("/api/v1/tickets/")
    request.user = dee if as_agent else alice
    for ticket in (Ticket.objects.get(pk=bare.pk), Ticket.objects.get(pk=full.pk)):
        for serializer_class in (TicketSerializer, TicketDetailSerializer):
            serializer = serializer_class(ticket, context={"request": request})
            assert serializer.data == serializer.fields_representation(ticket)
            assert list(serializer.data) == list(serializer.fields)  # same keys, same order
