"""comment_add and ticket_reply: the rows, the timeline, the clock, and what is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_ticket
from tests.tickets.web.portal.helpers import stored_files, upload
from tickets import services
from tickets.models import Attachment, Comment, Kind, PendingNotification, Status, TicketEvent


def actions(ticket) -> list[tuple[str, str]]:
    return list(TicketEvent.objects.filter(ticket=ticket).exclude(action="sla")
                .values_list("action", "new_value"))


def test_a_reply_with_a_file_writes_the_comment_attachment_and_timeline(alice, dee):
    ticket = make_ticket(alice)
    now = timezone.now() + timedelta(minutes=5)
    comment = services.comment_add(ticket=ticket, actor=dee, body="  Try this  ",
                                   files=[upload("fix.txt")], now=now)
    assert (comment.author, comment.body, comment.is_internal, comment.created_at) == (
        dee, "Try this", False, now)
    attachment = Attachment.objects.get()
    assert (attachment.comment, attachment.uploaded_by, attachment.original_name) == (
        comment, dee, "fix.txt")
    assert actions(ticket) == [("created", ""), ("replied", ""), ("attached", "fix.txt"),
                               ("status", "In progress")]
    assert set(TicketEvent.objects.filter(ticket=ticket, action__in=["replied", "attached"])
               .values_list("at", flat=True)) == {now}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == (Status.IN_PROGRESS, now)
    assert PendingNotification.objects.filter(event="reply", object_id=comment.pk).count() == 1


def test_an_internal_note_is_hidden_on_the_timeline_and_mails_nobody(alice, dee):
    ticket = make_ticket(alice)
    PendingNotification.objects.all().delete()
    services.comment_add(ticket=ticket, actor=dee, body="Old firmware", internal=True)
    event = TicketEvent.objects.get(ticket=ticket, action="note")
    assert (event.is_internal, event.message) == (True, "Old firmware")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == (Status.NEW, None)
    assert not PendingNotification.objects.exists()


def test_an_empty_reply_and_a_reply_on_a_closed_ticket_are_refused(alice, dee):
    ticket = make_ticket(alice)
    with pytest.raises(ValidationError) as error:
        services.comment_add(ticket=ticket, actor=alice, body="   ")
    assert list(error.value.message_dict) == ["body"]
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.CANCELLED)
    with pytest.raises(ValidationError, match="file a new ticket instead"):
        services.comment_add(ticket=ticket, actor=alice, body="Hello?")
    assert not Comment.objects.exists()


def test_only_the_requester_or_an_engineer_may_reply(alice, bob):
    ticket = make_ticket(alice)
    with pytest.raises(PermissionDenied):
        services.comment_add(ticket=ticket, actor=bob, body="Me too")
    assert not Comment.objects.exists()


def test_a_reply_and_its_status_move_happen_together(alice, dee):
    ticket = make_ticket(alice)
    now = timezone.now() + timedelta(minutes=5)
    comment = services.ticket_reply(ticket=ticket, actor=dee, body="Which model?",
                                    status=Status.WAITING, now=now)
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert comment.body == "Which model?"
    assert actions(ticket) == [("created", ""), ("replied", ""), ("status", "In progress"),
                               ("status", "Waiting on customer")]
    assert TicketEvent.objects.filter(ticket=ticket, action="status").latest("id").at == now


def test_a_reply_without_a_status_is_just_a_reply(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, actor=dee, body="Looking", internal=True)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert actions(ticket) == [("created", ""), ("note", "")]


def test_a_refused_status_move_leaves_no_reply_and_no_stored_file(alice, dee, settings):
    task = make_ticket(alice, kind=Kind.MAINTENANCE, checklist=[{"text": "Check backups"}])
    with pytest.raises(ValidationError, match="checklist step still open"):
        services.ticket_reply(ticket=task, actor=dee, body="All done",
                              files=[upload("log.txt")], status=Status.RESOLVED)
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    assert actions(task) == [("created", "")]


class BrokenUpload(SimpleUploadedFile):
    """An upload whose body breaks off while it is read (the browser went away)."""

    def chunks(self, chunk_size=None):
        yield b"half of it"
        raise OSError("connection reset while reading the upload")


def test_a_file_breaking_off_midway_leaves_no_partial_file_and_no_reply(alice, dee, settings):
    ticket = make_ticket(alice)
    with pytest.raises(OSError):
        services.ticket_reply(ticket=ticket, actor=dee, body="Logs attached",
                              files=[upload("first.txt"), BrokenUpload("second.txt", b"x" * 9)])
    assert stored_files(settings) == []
    assert not Comment.objects.exists() and not Attachment.objects.exists()
