"""Receiving one message, whoever fetched it: new tickets and replies, threading both
ways, reply-all, loops, strangers, the hourly cap, failures and their retry."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail as outbox
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from inbound.models import InboundMessage, Mailbox, Outcome, State
from inbound.services.receive import message_receive, message_release, message_retry
from tests.factories import mail_settled
from tests.inbound.imapserver import SUPPORT, mail
from tickets.models import Comment, MailReference, Participant, Source, Status, Ticket, TicketEvent
from tickets.services import comment_add, ticket_transition
from tickets.services import outbox as queue


def receive(box, raw, **kwargs):
    return message_receive(mailbox=box, raw=raw, **kwargs)


def sent_to(address):
    return [m for m in outbox.outbox if address in [*m.to, *m.cc]]


def header(message, name):
    return message.message()[name]


def test_a_known_senders_mail_opens_an_acknowledged_ticket_threaded_to_it(box, alice):
    raw = mail(sender=f"Alice Archer <{alice.email}>", subject="Fwd: Re: VPN drops hourly",
               body="Since Monday the VPN drops every hour.\n")
    row = receive(box, raw)

    assert (row.state, row.outcome) == (State.PROCESSED, Outcome.NEW_TICKET)
    ticket = row.ticket
    assert ticket.requester == alice and ticket.source == Source.EMAIL
    assert ticket.title == "VPN drops hourly" and ticket.team == box.team
    assert "drops every hour" in ticket.description
    assert row.raw.read() == raw and row.message_id.endswith("@client.example>")
    assert MailReference.objects.filter(ticket=ticket, message_id=row.message_id).exists()

    queue.notifications_send_pending()
    ack = sent_to(alice.email)[-1]
    assert f"[{ticket.ref}]" in ack.subject
    assert header(ack, "In-Reply-To") == row.message_id
    assert row.message_id in header(ack, "References")
    assert header(ack, "Reply-To") == SUPPORT
    assert header(ack, "Auto-Submitted") == "auto-generated"
    assert MailReference.objects.filter(ticket=ticket, direction="out").exists()


def test_a_reply_to_tends_mail_lands_on_its_ticket_trimmed_whatever_its_subject(
        box, alice, dee):
    first = receive(box, mail(sender=alice.email, subject="Laptop fan loud"))
    ticket = first.ticket
    mail_settled()
    comment_add(ticket=ticket, actor=dee, body="Does it happen on battery too?")
    queue.notifications_send_pending()
    ours = sent_to(alice.email)[-1].message()["Message-ID"]

    reply = receive(box, mail(
        sender=alice.email, subject="something else entirely", in_reply_to=ours,
        references=f"{first.message_id} {ours}",
        body="Yes, on battery too.\n\nOn Mon, 1 Dec 2026 at 10:00, Tend wrote:\n"
             "> Does it happen on battery too?\n> \n> -- Tend\n"))

    assert (reply.outcome, reply.ticket) == (Outcome.REPLY, ticket)
    comment = Comment.objects.get(pk=reply.comment_id)
    assert comment.author == alice and not comment.is_internal
    assert comment.body.startswith("Yes, on battery too.")
    assert "Does it happen" not in comment.body
    assert Ticket.objects.filter(requester=alice).count() == 1


def test_reply_all_with_the_desk_in_cc_is_one_ticket_and_the_cc_hears_the_answers(
        box, alice, bob, dee):
    other = Mailbox.objects.create(name="helpdesk", address="helpdesk@tend.example",
                                   host="imap.example", username="h", password="p")
    raw = mail(sender=alice.email, subject="Shared drive is read-only",
               to=f"{SUPPORT}, Bob Baker <{bob.email}>",
               cc="helpdesk@tend.example, carol@partner.example")
    first = receive(box, raw)
    again = receive(other, raw)  # the same message, delivered to the second address too

    assert again.pk == first.pk and InboundMessage.objects.count() == 1
    ticket = first.ticket
    assert set(Participant.objects.filter(ticket=ticket).values_list("email", flat=True)) \
        == {bob.email, "carol@partner.example"}
    mail_settled()

    comment_add(ticket=ticket, actor=dee, body="Fixed the share permissions.")
    queue.notifications_send_pending()
    answer = sent_to(alice.email)[-1]
    assert answer.to == [alice.email]
    assert set(answer.cc) == {bob.email, "carol@partner.example"}

    # Bob answers all: his mail (To the desk, Cc Alice) is a reply, not a second ticket.
    bobs = receive(box, mail(sender=bob.email, subject=f"Re: {answer.subject}",
                             cc=alice.email, in_reply_to=answer.message()["Message-ID"]))
    assert (bobs.outcome, bobs.ticket) == (Outcome.REPLY, ticket)
    assert Ticket.objects.count() == 1


def test_a_strangers_ticket_number_never_appends_to_someone_elses_ticket(box, alice, bob):
    theirs = receive(box, mail(sender=alice.email, subject="Payroll export fails")).ticket
    mine = receive(box, mail(sender=bob.email, subject=f"RE: [{theirs.ref}] me too"))

    assert mine.outcome == Outcome.NEW_TICKET and mine.ticket != theirs
    assert mine.ticket.title == "me too"
    assert not Comment.objects.filter(ticket=theirs).exists()
    assert TicketEvent.objects.filter(ticket=theirs, message__contains=mine.ticket.ref).exists()
    # Alice's own mail naming her ticket is a reply on it.
    hers = receive(box, mail(sender=alice.email, subject=f"[{theirs.ref}] more detail"))
    assert (hers.outcome, hers.ticket) == (Outcome.REPLY, theirs)


def test_an_out_of_office_to_a_reply_is_noted_and_answered_by_nothing(box, alice, dee):
    first = receive(box, mail(sender=alice.email, subject="Monitor flickers"))
    mail_settled()
    comment_add(ticket=first.ticket, actor=dee, body="Which cable do you use?")
    queue.notifications_send_pending()
    ours = sent_to(alice.email)[-1].message()["Message-ID"]
    outbox.outbox.clear()

    away = receive(box, mail(sender=alice.email, subject="Automatic reply: Monitor",
                             in_reply_to=ours, body="I am away until Monday.",
                             headers={"Auto-Submitted": "auto-replied"}))
    queue.notifications_send_pending()

    assert (away.state, away.outcome, away.ticket) == (State.IGNORED, Outcome.AUTOMATIC,
                                                       first.ticket)
    assert away.is_automatic and away.comment_id is None
    assert outbox.outbox == []
    assert TicketEvent.objects.filter(ticket=first.ticket,
                                      message__startswith="Automatic mail").exists()


@pytest.mark.parametrize("headers", [{"Precedence": "bulk"}, {"List-Id": "<news.x.example>"},
                                     {"Auto-Submitted": "auto-generated"}])
def test_automatic_mail_from_a_stranger_opens_nothing_and_is_not_refused(
        box, headers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = receive(box, mail(sender="news@vendor.example", subject="Our newsletter",
                                headers=headers))
    assert row.state == State.IGNORED and row.ticket is None
    assert outbox.outbox == [] and not Ticket.objects.exists()


def test_an_unknown_sender_is_refused_politely_once_an_hour(
        box, django_capture_on_commit_callbacks):
    now = timezone.now()
    for minutes in (0, 20, 70):
        with django_capture_on_commit_callbacks(execute=True):
            row = receive(box, mail(sender="eve@elsewhere.example",
                                    subject=f"Help {minutes}"),
                          now=now + timedelta(minutes=minutes))
        assert (row.state, row.outcome) == (State.PROCESSED, Outcome.REFUSED)
    assert not Ticket.objects.exists()
    refusals = sent_to("eve@elsewhere.example")
    assert 1 <= len(refusals) <= 2  # one per clock hour; 0 and 20 minutes share one
    first = refusals[0].message()
    assert first["Auto-Submitted"] == "auto-replied" and first["Reply-To"] == SUPPORT
    assert first["In-Reply-To"].endswith("@client.example>")


def test_unknown_senders_open_tickets_where_the_mailbox_allows_with_an_account_made(box):
    box.allow_unknown_senders = True
    box.save()
    row = receive(box, mail(sender="Eve Eden <Eve@Elsewhere.example>", subject="Printer"))
    assert row.outcome == Outcome.NEW_TICKET
    requester = row.ticket.requester
    assert requester.email == "eve@elsewhere.example" and requester.first_name == "Eve"
    assert not requester.has_usable_password() and not requester.is_agent


def test_past_the_hourly_cap_mail_is_held_for_an_admin_who_releases_it(box, alice, dee, ada):
    box.sender_hourly_cap = 2
    box.save()
    rows = [receive(box, mail(sender=alice.email, subject=f"Loop {i}")) for i in range(3)]
    assert [r.state for r in rows] == [State.PROCESSED, State.PROCESSED, State.HELD]
    held = rows[2]
    assert held.ticket is None and "cap of 2" in held.held_reason
    assert held.processed_at is None

    with pytest.raises(PermissionDenied):
        message_release(message=held, actor=dee)
    released = message_release(message=held, actor=ada)

    assert (released.state, released.outcome) == (State.PROCESSED, Outcome.NEW_TICKET)
    assert released.ticket.title == "Loop 2" and released.attempts == 2
    with pytest.raises(Exception, match="processed, not held"):
        message_release(message=released, actor=ada)


def test_a_message_that_fails_is_kept_and_processed_again_once_the_cause_is_fixed(
        box, alice, ada):
    box.max_message_bytes = 200
    box.save()
    raw = mail(sender=alice.email, subject="Long story", body="word " * 100)
    row = receive(box, raw)
    assert row.state == State.FAILED and "at most 200" in row.error and row.ticket is None
    assert row.raw.read() == raw

    Mailbox.objects.filter(pk=box.pk).update(max_message_bytes=10_000)
    again = message_retry(message=row, actor=ada)

    assert again.state == State.PROCESSED and again.ticket.requester == alice
    assert again.error == "" and again.attempts == 2


def test_invalid_utf8_fails_with_the_reason_and_makes_nothing(box, alice):
    raw = (f"From: {alice.email}\r\nTo: {SUPPORT}\r\nSubject: broken\r\n"
           "Message-ID: <bad-1@client.example>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
           "\r\n").encode() + b"Not UTF-8: \xff\xfe\r\n"
    row = receive(box, raw)
    assert row.state == State.FAILED and "not valid utf-8" in row.error
    assert not Ticket.objects.exists()


def test_staff_mail_starting_with_the_marker_is_an_internal_note_others_are_not(
        box, alice, dee):
    ticket = receive(box, mail(sender=alice.email, subject="Badge reader dead")).ticket
    note = receive(box, mail(sender=dee.email, subject=f"[{ticket.ref}]",
                             body="#internal Vendor ticket 4471 opened.\n"))
    hers = receive(box, mail(sender=alice.email, subject=f"[{ticket.ref}]",
                             body="#internal is what I type here\n"))

    assert note.outcome == Outcome.NOTE
    comment = Comment.objects.get(pk=note.comment_id)
    assert comment.is_internal and comment.author == dee
    assert comment.body == "Vendor ticket 4471 opened."
    assert hers.outcome == Outcome.REPLY
    assert not Comment.objects.get(pk=hers.comment_id).is_internal


def test_a_reply_to_a_closed_ticket_opens_a_follow_up_that_names_it(box, alice, dee):
    ticket = receive(box, mail(sender=alice.email, subject="Keyboard sticky")).ticket
    for to in (Status.RESOLVED, Status.CLOSED):
        ticket.refresh_from_db()
        ticket_transition(ticket=ticket, actor=dee, to=to)
    row = receive(box, mail(sender=alice.email, subject=f"Re: [{ticket.ref}] Keyboard sticky",
                            body="It is sticky again."))

    assert row.outcome == Outcome.NEW_TICKET and row.ticket != ticket
    assert TicketEvent.objects.filter(ticket=row.ticket, message__contains=ticket.ref).exists()


def test_a_bounce_of_tends_mail_is_noted_on_its_ticket_and_not_a_reply(box, alice, dee):
    ticket = receive(box, mail(sender=alice.email, subject="Scanner offline")).ticket
    mail_settled()
    comment_add(ticket=ticket, actor=dee, body="Restarted it.")
    queue.notifications_send_pending()
    ours = sent_to(alice.email)[-1].message()["Message-ID"]
    dsn = (f"From: MAILER-DAEMON@mx.example\r\nTo: {SUPPORT}\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\n"
           "Message-ID: <dsn-1@mx.example>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
           "--B\r\nContent-Type: text/plain\r\n\r\nYour mail could not be delivered.\r\n"
           "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
           "Reporting-MTA: dns; mx.example\r\n\r\n"
           f"Final-Recipient: rfc822; {alice.email}\r\nAction: failed\r\n"
           "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user\r\n"
           "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
           f"Message-ID: {ours}\r\nSubject: [{ticket.ref}] Scanner offline\r\n"
           "--B--\r\n").encode()
    outbox.outbox.clear()
    row = receive(box, dsn)
    queue.notifications_send_pending()

    assert (row.outcome, row.ticket) == (Outcome.BOUNCE, ticket) and row.comment_id is None
    event = TicketEvent.objects.filter(ticket=ticket, message__startswith="Mail to").get()
    assert alice.email in event.message and "5.1.1" in event.message
    assert outbox.outbox == []  # a bounce is never answered


def test_html_only_mail_becomes_sanitized_text(box, alice):
    raw = (f"From: {alice.email}\r\nTo: {SUPPORT}\r\nSubject: Outlook user\r\n"
           "Message-ID: <html-1@client.example>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n"
           "<html><body><p>Hello,</p><p>the <b>printer</b> is <i>on fire</i>.</p>"
           "<script>alert(1)</script><img src=x onerror=alert(2)></body></html>\r\n"
           ).encode()
    ticket = receive(box, raw).ticket
    assert "Hello," in ticket.description and "printer is on fire." in ticket.description
    assert "alert" not in ticket.description and "<" not in ticket.description


def test_the_same_message_received_twice_is_one_row_and_one_ticket(box, alice):
    raw = mail(sender=alice.email, subject="Twice")
    first, second = receive(box, raw), receive(box, raw, uidvalidity=7, uid=3)
    assert first.pk == second.pk and Ticket.objects.count() == 1
    assert message_from_bytes(first.raw.read())["Subject"] == "Twice"
