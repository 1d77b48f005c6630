"""The conversation on a ticket: replies and internal notes, and a reply with a status move."""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from itsm.models import User
from tickets import sla, uploads
from tickets.events import publish
from tickets.models import Comment, Participant, Status, Ticket, TicketEvent
from tickets.services.changes import (
    Action,
    event,
    lock,
    notify,
    store_attachments,
    touch,
    with_files,
)
from tickets.services.ticket import ticket_transition


def _check(ticket: Ticket, actor: User, body: str, internal: bool, files: Sequence) -> None:
    if not body and not files:
        raise ValidationError({"body": ["Write a message or attach a file."]})
    if internal and not actor.is_agent:
        raise PermissionDenied("Only support engineers can write internal notes.")
    if (not actor.is_agent and ticket.requester_id != actor.pk
            and not Participant.objects.filter(ticket=ticket, user=actor).exists()):
        raise PermissionDenied("Only the requester, a participant or a support engineer "
                               "can reply.")
    uploads.validate_files(files)


def _write(ticket: Ticket, actor: User, body: str, internal: bool, files: Sequence,
           stored: list[str], now: datetime) -> Comment:
    locked = lock(ticket, None, now)
    if locked.status in (Status.CLOSED, Status.CANCELLED) and not internal:
        raise ValidationError({"body": [f"{locked.ref} is {locked.get_status_display()};"
                                        " file a new ticket instead."]})
    comment = Comment.objects.create(ticket=locked, author=actor, body=body,
                                     is_internal=internal, created_at=now)
    action = Action.NOTE if internal else Action.REPLIED
    excerpt = body[:140] + ("…" if len(body) > 140 else "")
    events = [event(locked, actor, action, at=now, message=excerpt, is_internal=internal)]
    events += store_attachments(locked, comment, actor, files, stored, now=now)
    fields = []
    by_staff = actor.is_agent and actor.pk != locked.requester_id
    if not internal and by_staff and locked.first_response_at is None:
        locked.first_response_at = now
        sla.stop_response(locked)
        fields.append("first_response_at")
    if not internal and by_staff and locked.status == Status.NEW:
        events.append(event(locked, actor, Action.STATUS, at=now, field="status",
                            old_value=Status.NEW.label, new_value=Status.IN_PROGRESS.label))
        locked.status = Status.IN_PROGRESS
        fields.append("status")
    if not by_staff and locked.status == Status.WAITING:
        # The customer answered: the ball is back with support.
        events.append(event(locked, None, Action.STATUS, at=now, field="status",
                            old_value=Status.WAITING.label,
                            new_value=Status.IN_PROGRESS.label,
                            message="The requester replied."))
        locked.status = Status.IN_PROGRESS
        fields.append("status")
    touch(locked, fields, reason="reply" if not internal else "internal note",
          actor=actor, now=now)
    TicketEvent.objects.bulk_create(events)
    if not internal:
        notify("reply", locked.pk, comment.pk)
    publish("ticket.commented", locked, now=now, comment={
        "id": comment.pk, "internal": internal, "author": actor.get_username()})
    ticket.version, ticket.status = locked.version, locked.status
    return comment


def comment_add(*, ticket: Ticket, actor: User, body: str, internal: bool = False,
                files: Sequence = (), now: datetime | None = None) -> Comment:
    """A public reply or an internal note, with optional attachments."""
    body = (body or "").strip()
    _check(ticket, actor, body, internal, files)
    now = now or timezone.now()
    return with_files(lambda stored: _write(ticket, actor, body, internal, files, stored, now))


def ticket_reply(*, ticket: Ticket, actor: User, body: str, internal: bool = False,
                 files: Sequence = (), status: str = "",
                 now: datetime | None = None) -> Comment:
    """A reply or note and, if `status` is given, a move to it: both happen or neither.

    The desk offers "reply and set waiting" as one step for the engineer; a refused status
    move leaves no reply behind (and no stored file).
    """
    body = (body or "").strip()
    _check(ticket, actor, body, internal, files)
    now = now or timezone.now()

    def work(stored):
        comment = _write(ticket, actor, body, internal, files, stored, now)
        # The reply may itself have moved the ticket (new → in progress).
        if status and status != ticket.status:
            ticket_transition(ticket=ticket, actor=actor, to=status, now=now)
        return comment

    return with_files(work)
