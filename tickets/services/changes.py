"""How every ticket write is made: lock and version, timeline entries, stored files, notices.

The ticket services share these steps so that each change locks the row, refuses a stale
version, banks SLA time, writes its timeline entries with the version it makes, and queues
its notifications in the same transaction.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.db.models import F

from itsm import events
from itsm.models import User
from itsm.services.access import require_agent
from tickets import sla, uploads
from tickets.models import Attachment, Comment, Ticket, TicketEvent
from tickets.services import facts, outbox

Action = TicketEvent.Action


class TicketConflict(Exception):
    """The ticket changed since the editor loaded it; `events` says what changed."""

    def __init__(self, ticket: Ticket, events: list[TicketEvent]):
        self.ticket = ticket
        self.events = events
        super().__init__(f"{ticket.ref} was changed by someone else.")


_muted: ContextVar[bool] = ContextVar("tickets_notifications_muted", default=False)


@contextmanager
def notifications_muted():
    """Replaying history (demo data, imports): nobody should be e-mailed about the past,
    nor hear of it by webhook or chat (domain events are muted too)."""
    token = _muted.set(True)
    try:
        with events.muted():
            yield
    finally:
        _muted.reset(token)


def notify(event: str, ticket_id: int, object_id: int | None = None) -> None:
    if not _muted.get():
        outbox.notification_queue(event=event, ticket_id=ticket_id, object_id=object_id)


def label(value) -> str:
    return "" if value is None else str(value)


def event(ticket: Ticket, actor: User | None, action: str, *, at: datetime,
          **fields) -> TicketEvent:
    # Built before touch() bumps the version, so the event carries the version it makes.
    version = ticket.version + 1 if isinstance(ticket.version, int) else 1
    return TicketEvent(ticket=ticket, actor=actor, action=action, at=at, version=version,
                       **fields)


def check_agent(actor: User) -> None:
    require_agent(actor)  # the core's one check, with its default message


def store_attachments(ticket: Ticket, comment: Comment | None, actor: User, files,
                      stored: list[str], *, now: datetime) -> list[TicketEvent]:
    """Save each file and its Attachment row; `stored` collects names to delete on failure."""
    events = []
    for f in files:
        name = uploads.display_name(f.name)
        attachment = Attachment(ticket=ticket, comment=comment, uploaded_by=actor,
                                original_name=name, size=f.size,
                                content_type=uploads.content_type_for(name))
        path = attachment.file.field.generate_filename(attachment, name)
        # Noted before writing: a write that breaks off (a client gone mid-upload, a full
        # disk) leaves a partial file under this random name, which the cleanup removes.
        stored.append(path)
        attachment.file.name = attachment.file.storage.save(path, f, max_length=255)
        stored.append(attachment.file.name)
        attachment.save()
        events.append(event(ticket, actor, Action.ATTACHED, at=now, new_value=name,
                            is_internal=bool(comment and comment.is_internal)))
    return events


def with_files(work: Callable[[list[str]], object]):
    """Run `work(stored)` in a transaction; delete any stored file if it fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        uploads.delete_stored(stored)
        raise


def lock(ticket: Ticket, version: int | None, now: datetime) -> Ticket:
    """Lock the row, refuse a stale version, and bank SLA time used under the old state."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    facts.remember(locked)  # as stored, before SLA time is banked: touch() applies the change
    if version is not None and locked.version != version:
        since = list(TicketEvent.objects.filter(ticket=locked, version__gt=version)
                     .exclude(action__in=[Action.REPLIED, Action.NOTE, Action.SLA])
                     .select_related("actor"))
        raise TicketConflict(locked, since)
    sla.bank(locked, now)
    return locked


def touch(ticket: Ticket, fields: list[str], *, now: datetime, reason: str = "ticket changed",
          actor: User | None = None) -> None:
    """Save `fields`, recompute SLA deadlines for the new state, bump the version, and move
    the ticket's report facts (tickets/services/facts.py)."""
    previous = facts.before(ticket)
    sla_events = sla.refresh(ticket, now, reason=reason, actor=actor)
    ticket.updated_at = now
    ticket.version = F("version") + 1
    ticket.save(update_fields=[*fields, *sla.CLOCK_FIELDS, "updated_at", "version"])
    ticket.refresh_from_db(fields=["version"])
    # The report facts move with the change, in its transaction.
    facts.facts_ticket_changed(ticket=ticket, previous=previous)
    if sla_events:
        TicketEvent.objects.bulk_create(sla_events)
