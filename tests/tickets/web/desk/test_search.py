"""Desk search: titles, descriptions and the conversation the searcher may read, where it
searched, and one click to search every ticket."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tests.tickets.api.helpers import api, url
from tickets import services
from tickets.models import Status

QUEUE = reverse("desk:queue")


def refs(response) -> set[str]:
    return {ticket.ref for ticket in response.context["tickets"]}


@pytest.fixture
def talk(alice, dee, team):
    replied = make_ticket(alice, title="Laptop is slow", team=team)
    services.comment_add(ticket=replied, actor=dee, body="Reseated the flux capacitor.")
    noted = make_ticket(alice, title="Mail bounces", team=team)
    services.comment_add(ticket=noted, actor=dee, body="Suspect the zebrafish relay.",
                         internal=True)
    closed = make_ticket(alice, title="Old thing", team=team, assignee=dee)
    services.comment_add(ticket=closed, actor=dee, body="Flux capacitor again.")
    services.ticket_transition(ticket=closed, actor=dee, to=Status.RESOLVED)
    return {"replied": replied, "noted": noted, "closed": closed}


def test_search_finds_public_replies_and_internal_notes_for_staff(client_for, dee, talk):
    client = client_for(dee)
    assert refs(client.get(QUEUE, {"view": "open", "q": "capacitor"})) == {talk["replied"].ref}
    assert refs(client.get(QUEUE, {"view": "open", "q": "zebrafish"})) == {talk["noted"].ref}


def test_titles_and_descriptions_are_still_searched(client_for, dee, talk):
    response = client_for(dee).get(QUEUE, {"view": "open", "q": "bounces"})
    assert refs(response) == {talk["noted"].ref}


def test_internal_notes_are_not_searchable_by_whom_cannot_read_them(alice, talk):
    client = api(alice)
    assert client.get(url(), {"q": "zebrafish"}).json()["results"] == []
    found = client.get(url(), {"q": "capacitor"}).json()["results"]
    assert {row["ref"] for row in found} == {talk["replied"].ref, talk["closed"].ref}


def test_the_result_line_says_where_it_searched_and_offers_every_ticket(client_for, dee,
                                                                        talk):
    response = client_for(dee).get(QUEUE, {"view": "open", "q": "capacitor"})
    body = response.content.decode()
    assert "1 result for “capacitor” in All open" in body
    everywhere = response.context["search"]["all_url"]
    assert "view=all" in everywhere and "q=capacitor" in everywhere
    assert f'href="{everywhere.replace("&", "&amp;")}"' in body
    everything = client_for(dee).get(everywhere)
    assert refs(everything) == {talk["replied"].ref, talk["closed"].ref}
    assert everything.context["search"]["all_url"] is None  # already everywhere
    assert "2 results for “capacitor” in All tickets" in everything.content.decode()


def test_a_search_costs_the_same_number_of_queries_whatever_it_finds(
        client_for, dee, talk, django_assert_max_num_queries):
    client = client_for(dee)
    client.get(QUEUE, {"view": "open", "q": "capacitor"})
    with django_assert_max_num_queries(14):
        client.get(QUEUE, {"view": "all", "q": "capacitor"})


def test_postgres_search_reads_the_comment_vector(postgres, client_for, dee, talk):
    client = client_for(dee)
    assert refs(client.get(QUEUE, {"view": "all", "q": "capacitors"})) == {
        talk["replied"].ref, talk["closed"].ref}  # stemmed, as full-text search does
    assert refs(client.get(QUEUE, {"view": "all", "q": "zebrafish"})) == {talk["noted"].ref}
