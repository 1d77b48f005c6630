"""/api/v1/tickets: who sees what, listing, filing and triage. Actions: test_api_actions.py."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import AssetFactory, CategoryFactory, make_ticket
from tickets import services
from tickets.models import Attachment, Kind, Level, Source, Status, Ticket, TicketEvent

XSS = ('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n'
       '[click](javascript:alert(1)) <a href="javascript:alert(2)">a</a>')


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(ticket=None, action=None) -> str:
    if ticket is None:
        return reverse("api-ticket-list")
    if action is None:
        return reverse("api-ticket-detail", args=[ticket.ref])
    return reverse(f"api-ticket-{action}", args=[ticket.ref])


class Tags(HTMLParser):
    """Collects (tag, attributes) so tests judge markup, not text that merely mentions it."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    for tag, attrs in Tags(html).tags:
        assert tag not in {"script", "img", "iframe", "object"}
        assert not [name for name in attrs if name.startswith("on")]
        assert not (attrs.get("href") or "").strip().lower().startswith("javascript:")


# Who sees what -----------------------------------------------------------------------

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
    token = Token.objects.create(user=dee)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    def make(n):
        for _ in range(n):
            make_ticket(alice, assignee=dee, category=category, service=service, asset=asset)

    make(3)
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
    services.comment_add(ticket=ticket, author=dee, body=XSS)
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


def test_an_end_user_files_a_ticket_for_themselves(alice, category):
    response = api(alice).post(url(), {
        "title": "Laptop will not boot", "description": "Black screen", "kind": "request",
        "impact": Level.HIGH, "urgency": Level.HIGH, "category": category.pk,
    }, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    data = response.json()
    assert data["ref"] == ticket.ref
    assert response["Location"].endswith(url(ticket))
    assert (ticket.requester, ticket.kind, ticket.source) == (alice, Kind.REQUEST, Source.API)
    assert ticket.team == category.default_team
    assert data["priority"] == ticket.priority
    assert TicketEvent.objects.filter(ticket=ticket, actor=alice, action="created").exists()


def test_an_agent_files_any_kind_on_someones_behalf_and_assigns_it(alice, dee, team):
    response = api(dee).post(url(), {
        "title": "Disk filling on srv-001", "kind": "problem", "requester": alice.pk,
        "team": team.pk, "assignee": dee.pk, "priority": 1,
    }, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.kind, ticket.assignee, ticket.priority) == (
        alice, Kind.PROBLEM, dee, 1)
    assert TicketEvent.objects.get(ticket=ticket, action="created").actor == dee


def test_an_agent_files_for_themselves_when_no_requester_is_given(dee):
    response = api(dee).post(url(), {"title": "Rotate certificates"}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().requester == dee


@pytest.mark.parametrize(("payload", "fields"), [
    ({"description": "no title"}, {"title"}),
    ({"title": "   "}, {"title"}),
    ({"title": "x" * 201}, {"title"}),
    ({"title": ["a", "list"]}, {"title"}),
    ({"title": "ok", "impact": 7}, {"impact"}),
    ({"title": "ok", "urgency": "soon"}, {"urgency"}),
    ({"title": "ok", "category": 99999}, {"category"}),
    ({"title": "ok", "category": "abc"}, {"category"}),
    ({"title": "ok", "service": 99999999999999999999999}, {"service"}),
    ({"title": "ok", "assignee": 1}, {"assignee"}),
    ({"title": "ok", "team": 1}, {"team"}),
    ({"title": "ok", "requester": 1}, {"requester"}),
    ({"title": "ok", "priority": 1}, {"priority"}),
    ({"title": "ok", "kind": "problem"}, {"kind"}),
    ({"title": "ok", "kind": "bogus"}, {"kind"}),
    ({"title": "ok", "status": "resolved"}, {"status"}),
    ({"title": "ok", "number": 5}, {"number"}),
    ({"title": "ok", "colour": "red"}, {"colour"}),
    ({"impact": 7, "category": 99999, "assignee": 1}, {"title", "impact", "category",
                                                        "assignee"}),
])
def test_bad_input_from_an_end_user_is_a_400_naming_the_fields_and_files_nothing(
        alice, dee, payload, fields):
    response = api(alice).post(url(), payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields
    assert not Ticket.objects.exists()


def test_an_agent_gets_400_for_a_requester_or_assignee_that_does_not_exist(dee, alice):
    alice.is_active = False
    alice.save()
    for payload in ({"requester": alice.pk}, {"assignee": 99999}, {"asset": 99999}):
        response = api(dee).post(url(), {"title": "ok", **payload}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == set(payload)
    assert not Ticket.objects.exists()


def test_the_service_rules_come_back_as_field_errors(alice, bob, dee, service):
    other = AssetFactory()  # belongs to another service
    response = api(dee).post(url(), {"title": "ok", "service": service.pk, "asset": other.pk},
                             format="json")
    assert (response.status_code, set(response.json())) == (400, {"asset"})
    response = api(dee).post(url(), {"title": "ok", "assignee": bob.pk}, format="json")
    assert (response.status_code, set(response.json())) == (400, {"assignee"})
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("body", ['{"title": ', "[1, 2]", '"just a string"', "null"])
def test_malformed_json_is_a_400(alice, body):
    response = api(alice).post(url(), body, content_type="application/json")
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_an_inactive_category_cannot_be_chosen(alice):
    retired = CategoryFactory(name="Fax machines", is_active=False)
    response = api(alice).post(url(), {"title": "ok", "category": retired.pk}, format="json")
    assert (response.status_code, set(response.json())) == (400, {"category"})


def test_a_ticket_can_be_filed_with_files_in_multipart(alice):
    files = [SimpleUploadedFile("boot.log", b"kernel panic"),
             SimpleUploadedFile("screen.png", b"\x89PNG fake")]
    response = api(alice).post(url(), {"title": "Crash", "impact": "2", "files": files},
                               format="multipart")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == [
        "boot.log", "screen.png"]


def test_a_refused_file_type_is_a_400_on_files_and_files_nothing(alice):
    response = api(alice).post(url(), {"title": "Crash",
                                       "files": [SimpleUploadedFile("run.exe", b"MZ")]},
                               format="multipart")
    assert (response.status_code, set(response.json())) == (400, {"files"})
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


# Triage (PATCH) -----------------------------------------------------------------------


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


def test_creating_takes_a_fixed_handful_of_queries(alice, django_assert_num_queries):
    client = api(alice)
    body = {"kind": "incident", "title": "VPN drops", "impact": 3, "urgency": 3}
    client.post(url(), body, format="json")  # fills the per-process caches
    # PostgreSQL takes the number inside the INSERT; SQLite bumps a counter row first.
    with django_assert_num_queries(5 + (connection.vendor == "sqlite")):
        assert client.post(url(), body, format="json").status_code == 201


@pytest.mark.parametrize("as_agent", [False, True])
def test_the_direct_ticket_output_equals_the_declared_fields(
        alice, dee, team, category, service, as_agent, rf):
    from tickets.api.serializers import TicketDetailSerializer, TicketSerializer

    asset = AssetFactory(service=service)
    bare = make_ticket(alice)
    full = make_ticket(alice, description=XSS, category=category, service=service,
                       asset=asset, team=team, assignee=dee)
    services.comment_add(ticket=full, author=dee, body="Fixed")
    services.ticket_transition(ticket=full, actor=dee, to=Status.RESOLVED)
    full = Ticket.objects.get(pk=full.pk)
    services.ticket_rate(ticket=full, user=alice, rating=4, comment="Quick")
    request = rf.get("/api/v1/tickets/")
    request.user = dee if as_agent else alice
    for ticket in (Ticket.objects.get(pk=bare.pk), Ticket.objects.get(pk=full.pk)):
        for serializer_class in (TicketSerializer, TicketDetailSerializer):
            serializer = serializer_class(ticket, context={"request": request})
            assert serializer.data == serializer.fields_representation(ticket)
            assert list(serializer.data) == list(serializer.fields)  # same keys, same order
