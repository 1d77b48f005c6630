"""One ticket in the portal: its history, replies, confirm, reopen, rating, withdraw."""

import re

import pytest
from django.core import mail

from tests.factories import mail_settled, make_ticket
from tests.tickets.web.portal.helpers import (
    assert_inert,
    png_bytes,
    stored_files,
    upload,
    url,
)
from tickets import services
from tickets.models import Attachment, Status


def test_the_page_shows_the_ticket_and_its_public_history(alice, dee, client_for):
    ticket = make_ticket(alice, description="Steps:\n\n1. open\n2. **crash**")
    services.comment_add(ticket=ticket, actor=dee, body="Which *model*?")
    html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert ticket.ref in html and ticket.title in html
    assert "<strong>crash</strong>" in html
    assert "<em>model</em>" in html
    assert "New" in html and "In progress" in html  # the status change in the history
    assert url("reply", ticket) in html


def test_internal_notes_are_hidden_from_the_requester_but_shown_to_a_dse(
        alice, dee, client_for):
    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, actor=dee, body="Secret: user is on old firmware",
                         internal=True, files=[upload("internal.txt")])
    services.comment_add(ticket=ticket, actor=dee, body="We are on it")
    note_file = Attachment.objects.get(original_name="internal.txt")

    alice_html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert "We are on it" in alice_html
    assert "old firmware" not in alice_html
    assert "internal.txt" not in alice_html
    assert note_file.get_absolute_url() not in alice_html
    assert "Internal note" not in alice_html

    dee_html = client_for(dee).get(url("ticket", ticket)).content.decode()
    assert "old firmware" in dee_html and "internal.txt" in dee_html


def test_a_reply_by_the_requester_is_added_and_mails_the_assignee(
        alice, dee, client_for, settings, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice, assignee=dee)
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(url("reply", ticket), {
            "body": "Here is the log", "files": [upload("vpn.log")]})
    comment = ticket.comments.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('ticket', ticket)}#c{comment.pk}"
    assert comment.author == alice and not comment.is_internal
    assert comment.attachments.get().original_name == "vpn.log"
    assert [m.to for m in mail.outbox] == [["dee@example.com"]]
    assert len(stored_files(settings)) == 1


def test_an_empty_reply_is_refused_on_the_form(alice, client_for):
    ticket = make_ticket(alice)
    response = client_for(alice).post(url("reply", ticket), {"body": "  "})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert not ticket.comments.exists()


def test_a_reply_with_a_bad_file_stores_nothing(alice, client_for, settings):
    ticket = make_ticket(alice)
    response = client_for(alice).post(url("reply", ticket), {
        "body": "see file", "files": [upload("run.exe", b"MZ")]})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["files"]
    assert not ticket.comments.exists()
    assert stored_files(settings) == []


def test_a_closed_ticket_has_no_reply_form_and_refuses_replies(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=alice, to=Status.CLOSED)
    client = client_for(alice)
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("reply", ticket) not in html
    response = client.post(url("reply", ticket), {"body": "one more thing"})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert not ticket.comments.filter(author=alice).exists()


def test_a_resolved_ticket_asks_is_it_fixed(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert "Is it fixed?" in html
    assert url("confirm", ticket) in html and url("reopen", ticket) in html
    assert url("rate", ticket) in html


def test_confirm_closes_a_resolved_ticket(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("confirm", ticket))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None


def test_confirm_on_an_unresolved_ticket_shows_why_not(alice, client_for):
    ticket = make_ticket(alice)
    response = client_for(alice).post(url("confirm", ticket))
    assert response.status_code == 200
    assert response.context["action_errors"]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_reopen_needs_a_note(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("reopen", ticket), {"note": "  "})
    assert response.status_code == 200
    assert response.context["reopen_form"].errors["note"]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_reopen_with_a_note_sends_the_ticket_back_to_work(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("reopen", ticket), {"note": "Still drops"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.IN_PROGRESS, 1)
    assert ticket.comments.get().body == "Still drops"


def test_a_rating_from_1_to_5_is_stored_and_can_be_changed(alice, dee, client_for):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    client = client_for(alice)
    assert client.post(url("rate", ticket), {"rating": 2}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.rating == 2
    client.post(url("rate", ticket), {"rating": 5, "comment": "Fast, thanks"})
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (5, "Fast, thanks")
    html = client.get(url("ticket", ticket)).content.decode()
    assert "Your rating" in html and "Fast, thanks" in html
    assert re.search(r'value="5"[^>]*checked', html)


@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_a_rating_outside_1_to_5_is_refused(alice, dee, client_for, rating):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    response = client_for(alice).post(url("rate", ticket), {"rating": rating})
    assert response.status_code == 200
    assert response.context["rating_form"].errors["rating"]
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_an_open_ticket_cannot_be_rated_yet(alice, client_for):
    ticket = make_ticket(alice)
    client = client_for(alice)
    assert url("rate", ticket) not in client.get(url("ticket", ticket)).content.decode()
    response = client.post(url("rate", ticket), {"rating": 4})
    assert response.context["rating_form"].errors
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_withdraw_cancels_an_open_ticket_after_a_confirmation(alice, client_for):
    ticket = make_ticket(alice)
    client = client_for(alice)
    html = client.get(url("ticket", ticket)).content.decode()
    assert re.search(r'data-confirm="Withdraw ' + ticket.ref, html)
    response = client.post(url("cancel", ticket))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    html = client.get(url("ticket", ticket)).content.decode()
    assert url("cancel", ticket) not in html and url("reply", ticket) not in html


def test_user_text_comes_back_inert(alice, dee, client_for):
    ticket = make_ticket(
        alice, title="<script>alert(1)</script>",
        description="[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        files=[upload('"><svg onload=alert(1)>.txt')])
    services.comment_add(ticket=ticket, actor=alice,
                         body="<script>alert(2)</script> [y](javascript:alert(2))",
                         files=[upload('x" onerror="alert(3).png', png_bytes(), "image/png")])
    for viewer in (alice, dee):
        for page in (url("ticket", ticket), url("home")):
            html = client_for(viewer).get(page).content.decode()
            assert_inert(html)
    html = client_for(alice).get(url("ticket", ticket)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not dropped
    assert "&lt;svg onload=alert(1)&gt;.txt" in html


def test_the_pages_carry_no_inline_script_or_style(alice, dee, client_for):
    ticket = make_ticket(alice, files=[upload("a.png", png_bytes(), "image/png")])
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    for page in (url("home"), url("new"), url("ticket", ticket)):
        html = client_for(alice).get(page).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_a_support_engineer_can_answer_from_the_portal(alice, dee, client_for):
    ticket = make_ticket(alice)
    response = client_for(dee).post(url("reply", ticket), {"body": "Rebooting the switch"})
    assert response.status_code == 302
    comment = ticket.comments.get()
    assert (comment.author, comment.is_internal) == (dee, False)


def test_the_shared_conversation_skips_internal_items_unless_asked(alice, dee):
    from django.template.loader import render_to_string

    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, actor=dee, body="Internal guess", internal=True)
    services.comment_add(ticket=ticket, actor=dee, body="Public answer")
    context = {"ticket": ticket, "comments": ticket.comments.all(),
               "events": ticket.events.all()}
    hidden = render_to_string("partials/ticket_conversation.html",
                              {**context, "show_internal": False})
    shown = render_to_string("partials/ticket_conversation.html",
                             {**context, "show_internal": True})
    assert "Public answer" in hidden and "Internal guess" not in hidden
    assert "added an internal note" not in hidden
    assert "Internal guess" in shown and "added an internal note" in shown
