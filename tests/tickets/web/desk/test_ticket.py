"""One ticket on the desk: the workspace, its actions, conflicts, and filing for a caller."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import TeamFactory, mail_settled, make_ticket
from tickets import services
from tickets.models import Comment, Level, Status, TicketEvent, TimeEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, ticket):
    return reverse(f"desk:{name}", args=[ticket.ref])


@pytest.fixture
def ticket(alice, team):
    return make_ticket(alice, title="Printer on floor 3 jams", team=team)


def triage_data(ticket, **changes):
    """The triage form as the page renders it for `ticket`, with some fields changed."""
    data = {"title": ticket.title, "team": ticket.team_id or "",
            "assignee": ticket.assignee_id or "", "category": ticket.category_id or "",
            "service": ticket.service_id or "", "asset": ticket.asset_id or "",
            "impact": ticket.impact, "urgency": ticket.urgency, "priority": "",
            "version": ticket.version}
    data.update(changes)
    return data


# Who may do what ----------------------------------------------------------------------

ACTIONS = ["reply", "update", "transition", "log_time", "assign_me"]


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    for target in [url("ticket", ticket), reverse("desk:new"),
                   *[url(name, ticket) for name in ACTIONS]]:
        response = client.post(target) if target != url("ticket", ticket) else client.get(target)
        assert response.status_code == 302, target
        assert reverse("login") in response["Location"]


def test_end_users_get_403_even_for_their_own_ticket(client_for, alice, ticket):
    client = client_for(alice)
    assert client.get(url("ticket", ticket)).status_code == 403
    assert client.get(reverse("desk:new")).status_code == 403
    assert client.post(url("reply", ticket), {"body": "hi"}).status_code == 403


def test_managers_read_the_workspace_but_every_post_is_403(client_for, manny, ticket):
    client = client_for(manny)
    response = client.get(url("ticket", ticket))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Read-only" in body
    assert url("reply", ticket) not in body and url("update", ticket) not in body
    posts = {"reply": {"body": "hi"}, "update": triage_data(ticket, title="X"),
             "transition": {"to": "resolved"}, "log_time": {"minutes": 5}, "assign_me": {}}
    for name, data in posts.items():
        assert client.post(url(name, ticket), data).status_code == 403, name
    assert client.get(reverse("desk:new")).status_code == 403
    ticket.refresh_from_db()
    assert (ticket.title, ticket.status, ticket.assignee_id) == (
        "Printer on floor 3 jams", Status.NEW, None)
    assert not Comment.objects.exists() and not TimeEntry.objects.exists()


def test_a_dse_sees_the_whole_workspace(client_for, dee, alice, ticket):
    alice.phone = "+41 44 555 12 12"
    alice.save()
    response = client_for(dee).get(url("ticket", ticket))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (ticket.ref, ticket.title, "alice@example.com", "+41 44 555 12 12",
                 "Service Desk", url("reply", ticket), url("update", ticket),
                 url("transition", ticket), url("log_time", ticket), url("assign_me", ticket)):
        assert text in body


def test_an_unknown_reference_is_404(client_for, dee):
    assert client_for(dee).get(reverse("desk:ticket", args=["INC-999999999"])).status_code == 404
    assert client_for(dee).get(reverse("desk:ticket", args=["nonsense"])).status_code == 404


# Reply and internal note --------------------------------------------------------------

def test_a_public_reply_is_mailed_to_the_requester(
        client_for, dee, ticket, django_capture_on_commit_callbacks):
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dee).post(url("reply", ticket), {"body": "On my way",
                                                                 "internal": "0"})
    assert response.status_code == 302 and response["Location"] == url("ticket", ticket)
    comment = Comment.objects.get()
    assert not comment.is_internal
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.first_response_at is not None


def test_an_internal_note_is_not_mailed_and_shows_only_on_the_desk(
        client_for, dee, alice, ticket, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dee).post(url("reply", ticket), {"body": "Toner smell, check fuser",
                                                      "internal": "1"})
    assert Comment.objects.get().is_internal
    assert mail.outbox == []
    assert "Toner smell" in client_for(dee).get(url("ticket", ticket)).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.first_response_at is None


def test_a_reply_can_set_the_status_in_the_same_step(client_for, dee, ticket):
    client_for(dee).post(url("reply", ticket), {"body": "Fixed the tray", "internal": "0",
                                                 "set_status": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert Comment.objects.count() == 1


def test_a_reply_with_files_stores_them_on_the_comment(client_for, dee, ticket):
    upload = SimpleUploadedFile("trace.log", b"paper jam at tray 2")
    client_for(dee).post(url("reply", ticket), {"body": "Log attached", "files": [upload]})
    comment = Comment.objects.get()
    assert [a.original_name for a in comment.attachments.all()] == ["trace.log"]


@pytest.mark.parametrize(("data", "field"), [
    ({"body": "   "}, "body"),
    ({"body": "hi", "set_status": "closed"}, "set_status"),
    ({"body": "hi", "files": [SimpleUploadedFile("virus.exe", b"MZ")]}, "files"),
])
def test_a_bad_reply_shows_form_errors_and_stores_nothing(client_for, dee, ticket, data, field):
    response = client_for(dee).post(url("reply", ticket), data)
    assert response.status_code == 400
    assert field in response.context["comment_form"].errors
    assert not Comment.objects.exists()


def test_a_public_reply_on_a_closed_ticket_is_refused_but_a_note_is_fine(client_for, dee,
                                                                         ticket):
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.CANCELLED)
    client = client_for(dee)
    response = client.post(url("reply", ticket), {"body": "hello?", "internal": "0"})
    assert response.status_code == 400
    assert response.context["comment_form"].errors
    assert client.post(url("reply", ticket), {"body": "dup of INC-2",
                                               "internal": "1"}).status_code == 302


def test_htmx_reply_gets_the_page_it_swaps_parts_of(client_for, dee, ticket):
    response = client_for(dee).post(url("reply", ticket), {"body": "Working on it"}, **HTMX,
                                    follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="reply-box"' in body and 'id="comments"' in body and "Working on it" in body
    bad = client_for(dee).post(url("reply", ticket), {"body": ""}, **HTMX)
    assert bad.status_code == 200  # htmx does not swap 4xx answers
    assert "Write a message or attach a file." in bad.content.decode()


# Triage -------------------------------------------------------------------------------

def test_triage_writes_each_change_to_the_timeline(client_for, dee, ticket):
    data = triage_data(ticket, assignee=dee.pk, impact=Level.HIGH, urgency=Level.HIGH,
                       title="Printer on floor 3 jams every page")
    response = client_for(dee).post(url("update", ticket), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority) == (dee, 1)
    fields = set(TicketEvent.objects.filter(ticket=ticket, action="changed")
                 .values_list("field", flat=True))
    assert fields == {"assignee", "impact", "urgency", "priority", "title"}
    page = client_for(dee).get(url("ticket", ticket)).content.decode()
    assert "changed assignee" in page


def test_a_priority_override_wins_over_the_matrix(client_for, dee, ticket):
    client_for(dee).post(url("update", ticket), triage_data(ticket, priority="1"))
    ticket.refresh_from_db()
    assert ticket.priority == 1


def test_saving_an_unchanged_triage_form_changes_nothing(client_for, dee, ticket):
    version = ticket.version
    response = client_for(dee).post(url("update", ticket), triage_data(ticket), follow=True)
    assert any("Nothing to save" in str(m) for m in response.context["messages"])
    ticket.refresh_from_db()
    assert ticket.version == version


def test_a_stale_triage_shows_the_conflict_and_overwrites_nothing(client_for, dee, dan, ticket):
    seen = triage_data(ticket)
    assert client_for(dee).post(url("update", ticket),
                                {**seen, "assignee": dee.pk}).status_code == 302
    response = client_for(dan).post(url("update", ticket),
                                    {**seen, "assignee": dan.pk, "urgency": Level.HIGH})
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.assignee == dee and ticket.urgency == Level.MEDIUM
    body = response.content.decode()
    assert "Not saved: someone changed" in body
    assert [(e.actor, e.field) for e in response.context["conflict"]] == [(dee, "assignee")]
    assert ("Assignee", str(dan)) in response.context["attempted"]
    form = response.context["triage_form"]
    assert form.initial["assignee"] == dee and form.initial["version"] == ticket.version


def test_replies_since_the_form_was_loaded_are_not_a_conflict(client_for, dee, alice, ticket):
    seen = triage_data(ticket)
    services.comment_add(ticket=ticket, actor=alice, body="Any news?")
    services.time_log(ticket=ticket, actor=dee, minutes=5)
    response = client_for(dee).post(url("update", ticket), {**seen, "assignee": dee.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == dee


@pytest.mark.parametrize("assignee", ["999999", "alice", "nonsense"])
def test_triage_refuses_unknown_or_non_agent_assignees_with_a_form_error(
        client_for, dee, alice, ticket, assignee):
    value = alice.pk if assignee == "alice" else assignee
    response = client_for(dee).post(url("update", ticket), triage_data(ticket, assignee=value))
    assert response.status_code == 400
    assert "assignee" in response.context["triage_form"].errors
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_triage_refuses_an_assignee_outside_the_team(client_for, dee, ticket):
    outsiders = TeamFactory(name="Network")
    response = client_for(dee).post(url("update", ticket),
                                    triage_data(ticket, team=outsiders.pk, assignee=dee.pk))
    assert response.status_code == 400
    assert "is not a member of Network" in str(response.context["triage_form"].errors)
    ticket.refresh_from_db()
    assert ticket.team.name == "Service Desk" and ticket.assignee is None


@pytest.mark.parametrize("changes", [{"title": ""}, {"impact": "9"}, {"version": ""},
                                     {"team": "abc"}])
def test_bad_triage_input_is_a_form_error_never_a_500(client_for, dee, ticket, changes):
    response = client_for(dee).post(url("update", ticket), triage_data(ticket, **changes))
    assert response.status_code == 400
    assert response.context["triage_form"].errors


# Status, time, assign to me -----------------------------------------------------------

def test_only_allowed_transitions_are_offered(client_for, dee, ticket):
    response = client_for(dee).get(url("ticket", ticket))
    offered = {b["value"] for b in response.context["transitions"]}
    assert offered == {"in_progress", "waiting", "on_hold", "resolved", "cancelled"}


def test_resolving_with_a_note_tells_the_requester(
        client_for, dee, ticket, django_capture_on_commit_callbacks):
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dee).post(url("transition", ticket),
                                        {"to": "resolved", "note": "Replaced the roller"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert Comment.objects.get().body == "Replaced the roller"
    assert all(m.to == ["alice@example.com"] for m in mail.outbox) and mail.outbox


@pytest.mark.parametrize("target", ["exploded", "closed", ""])
def test_an_unknown_or_disallowed_status_is_a_form_error(client_for, dee, ticket, target):
    response = client_for(dee).post(url("transition", ticket), {"to": target})
    assert response.status_code == 400
    assert response.context["transition_form"].errors
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_logging_time_adds_up_on_the_page(client_for, dee, ticket):
    client = client_for(dee)
    client.post(url("log_time", ticket), {"minutes": "45", "note": "Cleaned rollers"})
    client.post(url("log_time", ticket), {"minutes": "30"})
    assert sum(TimeEntry.objects.values_list("minutes", flat=True)) == 75
    assert client.get(url("ticket", ticket)).context["time_total"] == "1 h 15 min"


@pytest.mark.parametrize("minutes", ["-5", "0", "abc", "", "5000"])
def test_bad_minutes_are_a_form_error(client_for, dee, ticket, minutes):
    response = client_for(dee).post(url("log_time", ticket), {"minutes": minutes})
    assert response.status_code == 400
    assert "minutes" in response.context["time_form"].errors
    assert not TimeEntry.objects.exists()


def test_assign_to_me(client_for, dee, ticket):
    response = client_for(dee).post(url("assign_me", ticket), follow=True)
    ticket.refresh_from_db()
    assert ticket.assignee == dee
    assert any("assigned to you" in str(m) for m in response.context["messages"])


def test_assign_to_me_outside_my_team_says_why(client_for, dee, alice):
    foreign = make_ticket(alice, team=TeamFactory(name="Network"))
    response = client_for(dee).post(url("assign_me", foreign), follow=True)
    foreign.refresh_from_db()
    assert foreign.assignee is None
    assert any("not a member of Network" in str(m) for m in response.context["messages"])
