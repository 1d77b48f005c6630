"""/api/v1/tickets/{ref}/…: transition, comments, attachments, rate, events; and lookups."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import CategoryFactory, ServiceFactory, make_ticket
from tickets import services
from tickets.models import Attachment, Comment, Status, TicketEvent


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(ticket, action) -> str:
    return reverse(f"api-ticket-{action}", args=[ticket.ref])


def upload(name="boot.log", content=b"kernel panic"):
    return SimpleUploadedFile(name, content)


# Transition ---------------------------------------------------------------------------


def test_an_agent_resolves_with_a_note_that_becomes_a_reply(alice, dee):
    ticket = make_ticket(alice)
    response = api(dee).post(url(ticket, "transition"),
                             {"status": "resolved", "note": "Replaced the fuser"},
                             format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["ref"]) == ("resolved", ticket.ref)
    assert data["resolved_at"] is not None and data["first_response_at"] is not None
    assert Comment.objects.get(ticket=ticket).body == "Replaced the fuser"


def test_the_requester_confirms_reopens_or_cancels_their_own_ticket(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    client = api(alice)
    response = client.post(url(ticket, "transition"), {"status": "in_progress"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["note"])
    response = client.post(url(ticket, "transition"),
                           {"status": "in_progress", "note": "Still jams"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "in_progress")
    response = client.post(url(ticket, "transition"), {"status": "cancelled"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")


def test_a_requester_cannot_resolve_their_own_ticket(alice):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "transition"), {"status": "resolved"},
                               format="json")
    assert (response.status_code, list(response.json())) == (400, ["status"])
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "status"), ({"status": "done"}, "status"), ({"status": "resolved", "version": 0},
                                                     "version"),
    ({"status": "resolved", "assignee": 1}, "assignee"),
])
def test_bad_transition_input_is_a_400_naming_the_field(alice, dee, payload, field):
    ticket = make_ticket(alice)
    response = api(dee).post(url(ticket, "transition"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_stale_transition_is_a_409_and_changes_nothing(alice, dee, dan):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dan, to=Status.IN_PROGRESS)
    response = api(dee).post(url(ticket, "transition"), {"status": "resolved", "version": 1},
                             format="json")
    assert response.status_code == 409
    assert [c["new_value"] for c in response.json()["changes"]] == ["In progress"]
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


# Comments -----------------------------------------------------------------------------


def test_end_users_never_see_internal_notes_and_staff_do(alice, dee, manny):
    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, actor=dee, body="Reboot fixed it before", internal=True)
    services.comment_add(ticket=ticket, actor=dee, body="Trying a reboot")

    def bodies(user):
        response = api(user).get(url(ticket, "comments"))
        assert response.status_code == 200
        return [(c["body"], c["internal"]) for c in response.json()["results"]]

    assert bodies(alice) == [("Trying a reboot", False)]
    expected = [("Reboot fixed it before", True), ("Trying a reboot", False)]
    assert bodies(dee) == expected
    assert bodies(manny) == expected


def test_the_requester_replies_and_an_agent_writes_an_internal_note(alice, dee):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "comments"), {"body": "Any news?"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["author"]["id"], response.json()["internal"]) == (alice.pk, False)
    response = api(dee).post(url(ticket, "comments"), {"body": "Vendor call", "internal": True},
                             format="json")
    assert (response.status_code, response.json()["internal"]) == (201, True)
    assert list(Comment.objects.values_list("body", "is_internal")) == [
        ("Any news?", False), ("Vendor call", True)]


def test_an_end_user_asking_for_an_internal_note_is_refused_by_field(alice):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "comments"), {"body": "Psst", "internal": True},
                               format="json")
    assert (response.status_code, list(response.json())) == (400, ["internal"])
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "body"), ({"body": "   "}, "body"), ({"body": "x" * 50_001}, "body"),
    ({"body": "hi", "internal": "perhaps"}, "internal"), ({"body": "hi", "files": "a"}, "files"),
])
def test_bad_comment_input_is_a_400(alice, dee, payload, field):
    ticket = make_ticket(alice)
    response = api(dee).post(url(ticket, "comments"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Comment.objects.exists()


def test_a_reply_can_carry_files_in_multipart(alice):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "comments"),
                               {"body": "Log attached", "files": [upload()]},
                               format="multipart")
    assert response.status_code == 201, response.content
    files = response.json()["attachments"]
    assert [f["name"] for f in files] == ["boot.log"]
    attachment = Attachment.objects.get()
    assert files[0]["download_url"].endswith(reverse("attachment", args=[attachment.pk]))


def test_no_reply_on_a_closed_ticket(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.CANCELLED)
    response = api(alice).post(url(ticket, "comments"), {"body": "Hello?"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["body"])


# Attachments --------------------------------------------------------------------------


def test_attachments_list_with_download_links_and_hides_internal_ones(alice, dee):
    ticket = make_ticket(alice, files=[upload("screen.png", b"png")])
    services.comment_add(ticket=ticket, actor=dee, body="Our notes", internal=True,
                         files=[upload("internal.txt", b"secret")])
    rows = api(alice).get(url(ticket, "attachments")).json()["results"]
    assert [row["name"] for row in rows] == ["screen.png"]
    png = Attachment.objects.get(original_name="screen.png")
    assert rows[0]["download_url"].endswith(reverse("attachment", args=[png.pk]))
    assert rows[0]["uploaded_by"]["id"] == alice.pk
    rows = api(dee).get(url(ticket, "attachments")).json()["results"]
    assert [row["name"] for row in rows] == ["screen.png", "internal.txt"]


def test_uploading_files_posts_them_as_one_comment(alice):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "attachments"),
                               {"files": [upload("a.txt", b"a"), upload("b.csv", b"b")]},
                               format="multipart")
    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert response.json()["id"] == comment.pk
    assert sorted(comment.attachments.values_list("original_name", flat=True)) == [
        "a.txt", "b.csv"]


@pytest.mark.parametrize(("files", "message"), [
    ([], ""), ([upload("tool.exe", b"MZ")], "not accepted"), ([upload("empty.txt", b"")],
                                                              "empty"),
])
def test_a_bad_upload_is_a_400_on_files_and_stores_nothing(alice, files, message):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "attachments"), {"body": "see", "files": files},
                               format="multipart")
    assert (response.status_code, list(response.json())) == (400, ["files"])
    assert message in " ".join(response.json()["files"])
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()


def test_a_manager_cannot_upload_to_anothers_ticket(alice, manny):
    ticket = make_ticket(alice)
    response = api(manny).post(url(ticket, "attachments"), {"files": [upload()]},
                               format="multipart")
    assert response.status_code == 403
    assert not Attachment.objects.exists()


# Rating -------------------------------------------------------------------------------


def test_the_requester_rates_a_resolved_ticket(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = api(alice).post(url(ticket, "rate"), {"rating": 5, "comment": "Quick!"},
                               format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["rating"], response.json()["rating_comment"]) == (5, "Quick!")


@pytest.mark.parametrize("rating", ["x", 0, 6, None, 4.5, [5]])
def test_a_bad_rating_is_a_400(alice, dee, rating):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = api(alice).post(url(ticket, "rate"), {"rating": rating}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["rating"])
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_only_the_requester_rates_and_only_once_resolved(alice, dee):
    ticket = make_ticket(alice)
    response = api(alice).post(url(ticket, "rate"), {"rating": 4}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["rating"])
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    assert api(dee).post(url(ticket, "rate"), {"rating": 4}, format="json").status_code == 403


# Timeline -----------------------------------------------------------------------------


def test_the_timeline_hides_internal_events_from_end_users(alice, dee):
    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, actor=dee, body="Checked logs", internal=True)
    services.time_log(ticket=ticket, actor=dee, minutes=15)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)

    def actions(user):
        response = api(user).get(url(ticket, "events"))
        assert response.status_code == 200
        return [e["action"] for e in response.json()["results"]]

    assert actions(alice) == ["created", "status"]
    assert actions(dee) == list(TicketEvent.objects.filter(ticket=ticket)
                                .values_list("action", flat=True))
    assert "note" in actions(dee)


# Lookups ------------------------------------------------------------------------------


def test_categories_and_services_list_only_active_ones(alice, category, service):
    CategoryFactory(name="Fax machines", is_active=False)
    ServiceFactory(name="Telex", is_active=False)
    response = api(alice).get(reverse("api-category-list"))
    assert [c["name"] for c in response.json()] == [category.name]
    response = api(alice).get(reverse("api-service-list"))
    assert [s["name"] for s in response.json()] == [service.name]
    assert api().get(reverse("api-category-list")).status_code == 401


def test_teams_are_for_support_engineers_only(alice, manny, dee, dan, team):
    assert api(alice).get(reverse("api-team-list")).status_code == 403
    assert api(manny).get(reverse("api-team-list")).status_code == 403
    response = api(dee).get(reverse("api-team-list"))
    assert response.status_code == 200
    [row] = response.json()
    assert row["name"] == team.name
    assert sorted(m["id"] for m in row["members"]) == sorted([dee.pk, dan.pk])


# Robustness ---------------------------------------------------------------------------

WRITES = {
    None: ("post", ["title", "description", "kind", "impact", "category", "asset", "requester",
                    "assignee", "priority", "files"]),
    "detail": ("patch", ["title", "team", "assignee", "impact", "priority", "version"]),
    "transition": ("post", ["status", "note", "version"]),
    "comments": ("post", ["body", "internal", "files"]),
    "attachments": ("post", ["body", "files"]),
    "rate": ("post", ["rating", "comment"]),
}
NASTY = [None, [], {"a": 1}, 10**30, -1, 1.5, "\x00", "x" * 300]


def test_no_input_makes_a_write_endpoint_fail_with_a_500(alice, dee):
    ticket = make_ticket(alice)
    client = api(dee)
    for action, (method, fields) in WRITES.items():
        path = (reverse("api-ticket-list") if action is None
                else reverse("api-ticket-detail", args=[ticket.ref]) if action == "detail"
                else url(ticket, action))
        for field in fields:
            for value in NASTY:
                response = getattr(client, method)(path, {field: value}, format="json")
                assert response.status_code < 500, (action, field, value)
