"""The desk queues: who may enter, what each view shows, filters, sorting, paging, bulk."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from itsm.web.paging import CappedPaginator
from tests.factories import CategoryFactory, ServiceFactory, TeamFactory, make_ticket
from tickets import services
from tickets.models import Kind, Level, Status, Ticket

QUEUE = reverse("desk:queue")
BULK = reverse("desk:bulk")
HTMX = {"HTTP_HX_REQUEST": "true"}


def refs(response) -> list[str]:
    return [ticket.ref for ticket in response.context["tickets"]]


@pytest.fixture
def network(db):
    return TeamFactory(name="Network")


@pytest.fixture
def board(alice, bob, dee, dan, team, network):
    """One ticket per situation a queue has to tell apart."""
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        old = make_ticket(alice, title="Old closed laptop swap", team=team)
        services.ticket_transition(ticket=old, actor=dee, to=Status.CANCELLED)
    tickets = {
        "old": old,
        "mine": make_ticket(alice, title="Mouse is broken", team=team, assignee=dee),
        "unassigned": make_ticket(bob, title="VPN drops every hour", team=team),
        "other_team": make_ticket(bob, title="Switch port dead", team=network),
        "dans": make_ticket(alice, title="Printer toner empty", team=team, assignee=dan),
        "resolved": make_ticket(alice, title="Password reset", team=team, assignee=dee),
    }
    services.ticket_transition(ticket=tickets["resolved"], actor=dee, to=Status.RESOLVED)
    for ticket in tickets.values():
        ticket.refresh_from_db()
    return tickets


# Who may enter ------------------------------------------------------------------------

def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    response = client.post(BULK, {"action": "unassign"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_end_users_with_403(client_for, alice):
    assert client_for(alice).get(QUEUE).status_code == 403
    assert client_for(alice).post(BULK, {"action": "unassign"}).status_code == 403


def test_managers_read_the_queue_without_bulk_controls_and_cannot_post(client_for, manny, board):
    client = client_for(manny)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.context["view"] == "open"
    assert 'name="action"' not in response.content.decode()
    response = client.post(BULK, {"action": "unassign", "ticket": [board["mine"].pk]})
    assert response.status_code == 403
    board["mine"].refresh_from_db()
    assert board["mine"].assignee is not None


def test_a_dse_lands_on_their_own_queue_with_bulk_controls(client_for, dee, board):
    response = client_for(dee).get(QUEUE)
    assert response.status_code == 200
    assert response.context["view"] == "mine"
    assert 'name="action"' in response.content.decode()


# What each view selects ---------------------------------------------------------------

@pytest.mark.parametrize(("view", "expected"), [
    ("mine", {"mine"}),
    ("unassigned", {"unassigned"}),
    ("open", {"mine", "unassigned", "other_team", "dans"}),
    ("recent", {"mine", "unassigned", "other_team", "dans", "resolved"}),
    ("all", {"old", "mine", "unassigned", "other_team", "dans", "resolved"}),
])
def test_each_view_selects_its_tickets(client_for, dee, board, view, expected):
    response = client_for(dee).get(QUEUE, {"view": view})
    assert set(refs(response)) == {board[name].ref for name in expected}


def test_choosing_statuses_in_an_open_view_replaces_its_open_default(client_for, dee, board):
    response = client_for(dee).get(QUEUE, {"view": "mine", "status": "resolved"})
    assert refs(response) == [board["resolved"].ref]


def test_tabs_count_my_open_tickets_and_unassigned_ones_in_my_teams(client_for, dee, board):
    counters = client_for(dee).get(QUEUE).context["counters"]
    assert counters == {"mine": "1", "unassigned": "1", "at_risk": "0", "breached": "0"}


def test_an_unknown_view_falls_back_to_the_default(client_for, dee, board):
    assert client_for(dee).get(QUEUE, {"view": "nope"}).context["view"] == "mine"


def test_each_view_has_its_own_empty_state(client_for, dan, dee, team):
    response = client_for(dan).get(QUEUE, {"view": "mine"})
    assert "Nothing is assigned to you" in response.content.decode()
    response = client_for(dee).get(QUEUE, {"view": "open", "q": "zebra"})
    body = response.content.decode()
    assert "No tickets match these filters" in body and "Clear filters" in body


# Filters and search -------------------------------------------------------------------

def test_filters_narrow_by_priority_team_assignee_kind_category_and_service(
        client_for, dee, alice, team, network):
    category = CategoryFactory(name="Network gear")
    service = ServiceFactory(name="VPN")
    urgent = make_ticket(alice, title="Core switch down", impact=Level.HIGH, urgency=Level.HIGH,
                         team=network, category=category, service=service)
    request = make_ticket(alice, title="New monitor", kind=Kind.REQUEST, team=team,
                          assignee=dee, impact=Level.LOW, urgency=Level.LOW)
    client = client_for(dee)

    def found(**params):
        return refs(client.get(QUEUE, {"view": "all", **params}))

    assert found(priority="1") == [urgent.ref]
    assert found(team=network.pk) == [urgent.ref]
    assert found(assignee="none") == [urgent.ref]
    assert found(assignee=dee.pk) == [request.ref]
    assert found(kind="request") == [request.ref]
    assert found(category=category.pk) == [urgent.ref]
    assert found(service=service.pk) == [urgent.ref]
    assert set(found(priority=["1", "4"])) == {urgent.ref, request.ref}


def test_search_matches_words_and_finds_a_ticket_by_its_reference(client_for, dee, alice):
    printer = make_ticket(alice, title="Printer jams", description="Tray two")
    make_ticket(alice, title="Mail bounces", description="Outlook says 550")
    client = client_for(dee)
    assert refs(client.get(QUEUE, {"view": "all", "q": "printer"})) == [printer.ref]
    assert refs(client.get(QUEUE, {"view": "all", "q": "tray jams"})) == [printer.ref]
    assert refs(client.get(QUEUE, {"view": "all", "q": printer.ref.lower()})) == [printer.ref]


def test_full_text_search_on_postgres_stems_words(postgres, client_for, dee, alice):
    printer = make_ticket(alice, title="The printer on floor 3 is offline", description="")
    make_ticket(alice, title="Mail bounces", description="")
    response = client_for(dee).get(QUEUE, {"view": "all", "q": "printers"})
    assert refs(response) == [printer.ref]


def test_bad_filter_values_are_ignored_not_an_error(client_for, dee, board):
    response = client_for(dee).get(QUEUE, {"view": "all", "status": "bogus", "team": "abc",
                                           "sort": "nope", "page": "x"})
    assert response.status_code == 200
    assert len(refs(response)) == len(board)


# Sorting and paging -------------------------------------------------------------------

def test_sorting_by_priority_and_header_links_toggle_direction(client_for, dee, alice):
    low = make_ticket(alice, title="Low", impact=Level.LOW, urgency=Level.LOW)
    high = make_ticket(alice, title="High", impact=Level.HIGH, urgency=Level.HIGH)
    client = client_for(dee)
    response = client.get(QUEUE, {"view": "all", "sort": "priority"})
    assert refs(response) == [high.ref, low.ref]
    column = next(c for c in response.context["columns"] if c["name"] == "priority")
    assert column["direction"] == "up" and "sort=-priority" in column["url"]
    response = client.get(QUEUE, {"view": "all", "sort": "-priority"})
    assert refs(response) == [low.ref, high.ref]
    column = next(c for c in response.context["columns"] if c["name"] == "priority")
    assert "sort=priority" in column["url"]


def test_sort_links_keep_the_filters_and_drop_the_page(client_for, dee, alice):
    make_ticket(alice)
    response = client_for(dee).get(QUEUE, {"view": "all", "q": "printer", "page": "1"})
    column = next(c for c in response.context["columns"] if c["name"] == "title")
    assert "q=printer" in column["url"] and "view=all" in column["url"]
    assert "page=" not in column["url"]


def test_it_pages_by_fifty(client_for, dee, alice):
    for n in range(53):
        Ticket.objects.create(kind=Kind.INCIDENT, number=n + 1, title=f"T{n}", requester=alice)
    client = client_for(dee)
    first = client.get(QUEUE, {"view": "all"})
    assert len(refs(first)) == 50
    assert "1–50 of 53" in first.content.decode()
    second = client.get(QUEUE, {"view": "all", "page": "2"})
    assert len(refs(second)) == 3
    assert not set(refs(first)) & set(refs(second))


def test_a_huge_queue_shows_a_capped_count(client_for, dee, alice, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 60)
    for n in range(61):
        Ticket.objects.create(kind=Kind.INCIDENT, number=n + 1, title=f"T{n}", requester=alice)
    response = client_for(dee).get(QUEUE, {"view": "all"})
    assert "1–50 of 60+" in response.content.decode()


# htmx ---------------------------------------------------------------------------------

def test_htmx_requests_get_only_the_table_with_the_clean_address(client_for, dee, board):
    response = client_for(dee).get(QUEUE, {"view": "open", "q": "", "team": ""}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="bulk-form"' in body
    assert 'hx-swap-oob="true"' in body  # the view/sort state and the messages box
    assert response["HX-Push-Url"] == f"{QUEUE}?view=open"
    assert "HX-Request" in response["Vary"]


def test_a_filter_form_sent_without_js_lands_on_the_clean_address(client_for, dee, board):
    response = client_for(dee).get(QUEUE, {"view": "open", "q": "", "team": "", "priority": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?view=open&priority=2"


def test_without_htmx_the_same_address_is_a_whole_page(client_for, dee, board):
    body = client_for(dee).get(QUEUE, {"view": "open"}).content.decode()
    assert "<html" in body and 'id="bulk-form"' in body


# Bulk actions -------------------------------------------------------------------------

def bulk(client, tickets, action, query="view=open", **fields):
    data = {"action": action, "ticket": [t.pk for t in tickets], "query": query, **fields}
    return client.post(BULK, data)


def test_bulk_assign_to_a_dse_and_keep_the_filters(client_for, dee, dan, board):
    response = bulk(client_for(dee), [board["mine"], board["unassigned"]], "assign",
                    query="view=open&q=broken", assignee=dan.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?view=open&q=broken"
    for name in ("mine", "unassigned"):
        board[name].refresh_from_db()
        assert board[name].assignee == dan


def test_bulk_assign_to_me_and_unassign(client_for, dee, board):
    client = client_for(dee)
    bulk(client, [board["unassigned"]], "assign_me")
    board["unassigned"].refresh_from_db()
    assert board["unassigned"].assignee == dee
    bulk(client, [board["unassigned"], board["mine"]], "unassign")
    assert not Ticket.objects.filter(pk__in=[board["unassigned"].pk, board["mine"].pk],
                                     assignee__isnull=False).exists()


def test_bulk_says_what_changed_and_what_was_skipped_and_why(client_for, dee, board):
    client = client_for(dee)
    response = bulk(client, [board["unassigned"], board["old"]], "status", status="resolved")
    board["unassigned"].refresh_from_db()
    assert board["unassigned"].status == Status.RESOLVED
    page = client.get(response["Location"])
    texts = [str(m) for m in page.context["messages"]]
    assert any("Changed 1 ticket" in t and board["unassigned"].ref in t for t in texts)
    assert any(t.startswith(f"Skipped 1: {board['old'].ref}:") and "cannot become" in t
               for t in texts)


def test_bulk_moving_to_a_team_skips_tickets_whose_assignee_is_not_in_it(
        client_for, dee, network, board):
    response = bulk(client_for(dee), [board["mine"], board["unassigned"]], "team",
                    team=network.pk)
    assert response.status_code == 302
    board["mine"].refresh_from_db()
    board["unassigned"].refresh_from_db()
    assert board["unassigned"].team == network
    assert board["mine"].team != network  # dee is not in Network


def test_bulk_ignores_tickets_that_do_not_exist(client_for, dee, board):
    response = client_for(dee).post(BULK, {"action": "assign_me", "query": "",
                                           "ticket": [board["unassigned"].pk, 999999]},
                                    follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("Changed 1 ticket" in t for t in texts)
    assert any("no longer exist" in t for t in texts)


@pytest.mark.parametrize("fields", [
    {"action": "status", "status": "exploded"},
    {"action": "status"},
    {"action": "assign", "assignee": "999999"},
    {"action": "teleport"},
])
def test_bad_bulk_input_is_a_message_not_a_change_or_an_error(client_for, dee, board, fields,
                                                               alice):
    before = {t.pk: (t.status, t.assignee_id) for t in Ticket.objects.all()}
    response = client_for(dee).post(
        BULK, {"ticket": [board["unassigned"].pk], "query": "", **fields}, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert {t.pk: (t.status, t.assignee_id) for t in Ticket.objects.all()} == before


def test_bulk_to_a_non_agent_is_refused(client_for, dee, alice, board):
    response = bulk(client_for(dee), [board["unassigned"]], "assign", assignee=alice.pk)
    assert response.status_code == 302
    board["unassigned"].refresh_from_db()
    assert board["unassigned"].assignee is None


def test_bulk_without_ticked_tickets_says_so(client_for, dee, board):
    response = client_for(dee).post(BULK, {"action": "assign_me", "query": ""}, follow=True)
    assert any("Tick at least one" in str(m) for m in response.context["messages"])


def test_bulk_over_htmx_answers_with_the_refreshed_table_and_messages(client_for, dee, board):
    response = client_for(dee).post(BULK, {"action": "assign_me", "query": "view=mine",
                                           "ticket": [board["unassigned"].pk]}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert board["unassigned"].ref in refs(response)  # now in "mine"
    assert 'id="messages"' in body and "Changed 1 ticket" in body
    assert response["HX-Replace-Url"] == f"{QUEUE}?view=mine"


# Query budget -------------------------------------------------------------------------

def _queue_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_runs_the_same_queries_for_5_or_40_tickets(client_for, dee, alice, team):
    client = client_for(dee)
    client.get(QUEUE)  # the session's first save and the per-process caches
    for _ in range(5):
        make_ticket(alice, team=team, assignee=dee)
    few = _queue_queries(client, {"view": "open"})
    for _ in range(35):
        make_ticket(alice, team=team, assignee=dee)
    many = _queue_queries(client, {"view": "open"})
    assert few == many
    assert len(refs(client.get(QUEUE, {"view": "open"}))) == 40


def _texts(client, response) -> list[str]:
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def test_bulk_assign_to_me_on_my_own_tickets_changes_nothing_and_says_so(client_for, alice,
                                                                       dee, team):
    client = client_for(dee)
    first = make_ticket(alice, team=team, assignee=dee)
    second = make_ticket(alice, team=team, assignee=dee)
    texts = _texts(client, bulk(client, [first, second], "assign_me"))
    assert texts == ["Nothing to change: both are already yours."]
    third = make_ticket(alice, team=team)
    texts = _texts(client, bulk(client, [first, third], "assign_me"))
    assert texts == [f"Changed 1 ticket: {third.ref}.", f"{first.ref} was already yours."]
