"""The poller against a real Dovecot: real messages APPENDed, polled, moved.

Exactly once (two pollers, overlapping pollers, a recreated folder, rows committed but not
moved, a live lease), a bad message in the middle of a batch, and threading and loops
through the real server. Signing in: test_poll_signin.py; real processes: test_poll_kill.py.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.db import connection
from django.utils import timezone

from inbound.models import Mailbox, Outcome, State
from inbound.services import poll
from inbound.services.receive import message_receive
from tests.inbound.imapserver import assert_exactly_once, mail, message_id_of, messages_of
from tickets.models import Comment, Ticket


def poll_once(mailbox: Mailbox, **kwargs) -> poll.PollResult:
    mailbox.refresh_from_db()
    return poll.mailbox_poll(mailbox=mailbox, **kwargs)


def test_new_mail_becomes_tickets_and_moves_to_processed_unseen(imap_folder, alice):
    box = imap_folder.mailbox()
    raws = [mail(sender=alice.email, subject=f"Printer {i} jammed") for i in range(3)]
    imap_folder.append(*raws)

    result = poll_once(box)

    assert result.ok and result.fetched == 3 and result.moved == 3
    assert result.states == Counter({State.PROCESSED: 3})
    rows = list(messages_of(box).order_by("uid"))
    assert [row.message_id for row in rows] == [message_id_of(raw) for raw in raws]
    assert all(row.outcome == Outcome.NEW_TICKET and row.moved_at for row in rows)
    assert Ticket.objects.filter(requester=alice).count() == 3
    assert imap_folder.count() == 0 and imap_folder.count(imap_folder.processed) == 3
    with imap_folder.connect() as server:  # fetched with BODY.PEEK: nobody read them
        server.folder.set(imap_folder.processed)
        flags = [m.flags for m in server.fetch(headers_only=True, mark_seen=False)]
        assert len(flags) == 3 and not any("\\Seen" in f for f in flags)
    box.refresh_from_db()
    assert box.last_uid == rows[-1].uid and box.uidvalidity == rows[0].uidvalidity
    assert box.lease_until is None and box.last_poll_at and box.last_error == ""
    assert box.supports_idle is True

    again = poll_once(box)
    assert again.ok and again.fetched == 0 and messages_of(box).count() == 3


def test_an_invalid_utf8_message_in_the_middle_goes_to_failed_and_the_rest_are_processed(
        imap_folder, alice):
    box = imap_folder.mailbox()
    bad = (b"From: " + alice.email.encode() + b"\r\nTo: support@tend.example\r\n"
           b"Subject: broken\r\nMessage-ID: <broken-" + imap_folder.name.encode()
           + b"@client.example>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
           b"\r\nNot UTF-8 at all: \xff\xfe\xc3\x28 \xa0\xa1\r\n")
    good = [mail(sender=alice.email, subject=f"Request {i}") for i in range(4)]
    imap_folder.append(good[0], good[1], bad, good[2], good[3])

    result = poll_once(box, batch=2)

    assert result.ok, result.error
    assert result.states == Counter({State.PROCESSED: 4, State.FAILED: 1})
    failed = messages_of(box).get(state=State.FAILED)
    assert failed.error and failed.ticket is None and failed.moved_at
    assert failed.raw.read() == bad  # kept exactly as the server had it
    assert imap_folder.count(imap_folder.failed) == 1
    assert imap_folder.count(imap_folder.processed) == 4 and imap_folder.count() == 0
    assert Ticket.objects.filter(requester=alice).count() == 4


def test_a_recreated_folder_with_a_new_uidvalidity_is_not_processed_again(imap_folder, alice):
    box = imap_folder.mailbox()
    raws = [mail(sender=alice.email, subject=f"VPN down {i}") for i in range(3)]
    imap_folder.append(*raws)
    assert poll_once(box).ok
    first = {row.message_id: (row.pk, row.processed_at) for row in messages_of(box)}
    old_validity = Mailbox.objects.get(pk=box.pk).uidvalidity

    imap_folder.recreate()  # an admin deleted and restored the folder, same messages
    imap_folder.append(*raws)
    result = poll_once(box)

    box.refresh_from_db()
    assert result.ok and result.rescanned and box.uidvalidity != old_validity
    assert result.fetched == 3 and imap_folder.count() == 0  # moved away again
    assert {row.message_id: (row.pk, row.processed_at) for row in messages_of(box)} == first
    assert Ticket.objects.filter(requester=alice).count() == 3


def test_rows_committed_before_a_crash_are_moved_not_received_again(imap_folder, alice):
    """A poll killed after message_receive committed and before the move: the message is
    still in the folder and `last_uid` behind; or moved but not stamped."""
    box = imap_folder.mailbox()
    imap_folder.append(mail(sender=alice.email, subject="Committed, not moved"),
                       mail(sender=alice.email, subject="Moved, not stamped"))
    with imap_folder.connect() as server:
        server.folder.set(imap_folder.name)
        validity = server.folder.status(imap_folder.name)["UIDVALIDITY"]
        (one, raw1), (two, raw2) = [(int(m.uid), m.obj.as_bytes())
                                    for m in server.fetch(mark_seen=False)]
        server.folder.create(imap_folder.processed)
        server.move([str(two)], imap_folder.processed)
    message_receive(mailbox=box, raw=raw1, uidvalidity=validity, uid=one)
    message_receive(mailbox=box, raw=raw2, uidvalidity=validity, uid=two)
    Mailbox.objects.filter(pk=box.pk).update(uidvalidity=validity, last_uid=0)
    tickets = Ticket.objects.count()

    result = poll_once(box)

    assert result.ok and messages_of(box).count() == 2 and Ticket.objects.count() == tickets
    assert not messages_of(box).filter(moved_at__isnull=True).exists()
    assert imap_folder.count() == 0 and imap_folder.count(imap_folder.processed) == 2


def test_a_reply_a_reply_all_and_a_reply_from_sent_land_on_the_same_ticket(
        imap_folder, alice, bob, django_capture_on_commit_callbacks):
    box = imap_folder.mailbox()
    first = mail(sender=alice.email, subject="Laptop will not boot", cc=bob.email)
    imap_folder.append(first)
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_once(box).ok
    ticket = messages_of(box).get().ticket
    assert ticket is not None and ticket.requester == alice
    acks = [m for m in outbox.outbox if alice.email in m.to]
    assert acks, "the requester got an acknowledgement"
    ack_id = acks[-1].extra_headers.get("Message-ID") or acks[-1].message()["Message-ID"]
    first_id = message_id_of(first)

    imap_folder.append(
        # The requester answers Tend's acknowledgement.
        mail(sender=alice.email, subject=f"Re: {acks[-1].subject}", in_reply_to=ack_id,
             references=f"{first_id} {ack_id}", body="It beeps three times."),
        # The Cc'd colleague answers all, on the requester's first mail.
        mail(sender=bob.email, subject="Re: Laptop will not boot", cc=alice.email,
             in_reply_to=first_id, references=first_id, body="Mine too."),
        # The requester, from her Sent folder, follows up on her own first mail.
        mail(sender=alice.email, subject="Re: Laptop will not boot", in_reply_to=first_id,
             references=first_id, body="Forgot: it is the ThinkPad."),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = poll_once(box)

    assert result.ok and result.states == Counter({State.PROCESSED: 3})
    replies = messages_of(box).exclude(outcome=Outcome.NEW_TICKET)
    assert {row.outcome for row in replies} == {Outcome.REPLY}
    assert {row.ticket_id for row in messages_of(box)} == {ticket.pk}
    assert Ticket.objects.filter(requester__in=[alice, bob]).count() == 1
    assert Comment.objects.filter(ticket=ticket).count() >= 3


def test_an_out_of_office_answer_to_the_acknowledgement_opens_nothing_and_is_not_answered(
        imap_folder, alice, django_capture_on_commit_callbacks):
    box = imap_folder.mailbox()
    imap_folder.append(mail(sender=alice.email, subject="Monitor flickers"))
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_once(box).ok
    ack = [m for m in outbox.outbox if alice.email in m.to][-1]
    ack_id = ack.extra_headers.get("Message-ID") or ack.message()["Message-ID"]
    sent, tickets = len(outbox.outbox), Ticket.objects.count()

    imap_folder.append(mail(
        sender=alice.email, subject=f"Automatic reply: {ack.subject}", in_reply_to=ack_id,
        body="I am out of the office until Monday.",
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}))
    with django_capture_on_commit_callbacks(execute=True):
        result = poll_once(box)

    assert result.ok and result.moved == 1
    answer = messages_of(box).get(subject__startswith="Automatic reply")
    assert answer.is_automatic and answer.state in {State.IGNORED, State.PROCESSED}
    assert Ticket.objects.count() == tickets and len(outbox.outbox) == sent


def test_a_strangers_ticket_number_in_the_subject_opens_a_new_ticket(imap_folder, alice, bob):
    box = imap_folder.mailbox()
    imap_folder.append(mail(sender=alice.email, subject="Payroll export fails"))
    assert poll_once(box).ok
    theirs = messages_of(box).get().ticket

    imap_folder.append(mail(sender=bob.email, subject=f"[{theirs.ref}] me too"))
    assert poll_once(box).ok

    row = messages_of(box).get(sender=bob.email)
    assert row.outcome == Outcome.NEW_TICKET and row.ticket != theirs
    assert row.ticket.requester == bob
    assert not Comment.objects.filter(ticket=theirs, author=bob).exists()


def test_a_live_lease_keeps_a_second_poller_out_until_it_runs_out(imap_folder, alice):
    box = imap_folder.mailbox()
    imap_folder.append(mail(sender=alice.email, subject="Headset crackles"))
    now = timezone.now()
    assert poll.mailbox_claim(mailbox=box, now=now) is not None  # another poller, alive

    assert poll_once(box, now=now + timedelta(seconds=1)).busy
    assert messages_of(box).count() == 0 and imap_folder.count() == 1

    later = now + timedelta(seconds=61)  # TEND_LEASE_SECONDS is 60: the claim ran out
    result = poll_once(box, now=later)
    assert result.ok and not result.busy and messages_of(box).count() == 1


@pytest.mark.postgres
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_messages_and_two_pollers_at_once_make_exactly_fifty_tickets(
        postgres, imap_folder, alice):
    box = imap_folder.mailbox(sender_hourly_cap=200)
    raws = [mail(sender=alice.email, subject=f"Ticket by mail {i}") for i in range(50)]
    imap_folder.append(*raws)

    results = run_together(box, 2, batch=10)

    assert sum(r.busy for r in results) == 1  # the lease let one of them in
    assert_exactly_once(box, imap_folder, raws, alice)


@pytest.mark.postgres
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pollers_overlapping_after_lost_leases_still_receive_each_message_once(
        postgres, imap_folder, alice, settings):
    # Every lease runs out at once: each poller takes over from the other, so both fetch,
    # receive and move the same UIDs at the same time. The keys, not the lease, hold.
    settings.TEND_LEASE_SECONDS = 0
    box = imap_folder.mailbox(sender_hourly_cap=200)
    raws = [mail(sender=alice.email, subject=f"Overlapping {i}") for i in range(50)]
    imap_folder.append(*raws)

    run_together(box, 3, batch=5)
    while imap_folder.count():  # whoever stopped early (lease taken) left the rest
        assert not poll_once(box).busy

    assert_exactly_once(box, imap_folder, raws, alice, copies_may_repeat=True)


def run_together(box: Mailbox, pollers: int, **kwargs) -> list[poll.PollResult]:
    start, results = threading.Barrier(pollers), []

    def run():
        try:
            start.wait()
            results.append(poll.mailbox_poll(mailbox=Mailbox.objects.get(pk=box.pk), **kwargs))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(pollers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == pollers
    return results
