"""A received message, processed at most once: a new ticket, a reply, a note, or nothing.

Exactly once. A message is keyed by (mailbox, UIDVALIDITY, UID) and by its Message-ID
(both unique in the database). message_receive returns the stored row for a key it has
seen; otherwise it inserts the row and does the message's work in one transaction, so a
second poller, a redelivered webhook or a re-read folder finds the row and does nothing,
and a worker killed midway leaves nothing half-done. (On Postgres a concurrent insert of
the same key waits for the first transaction and then fails; the loser returns the
winner's row.)

Nothing is lost. The raw message is stored before anything is decided. A message that
cannot be read, or whose processing fails, is recorded FAILED with its error (and
retried by an admin, message_retry); over a sender's hourly cap it is HELD for an admin
(message_release). Only a database that cannot be written makes message_receive raise,
and then nothing was stored: the poller leaves the message on the server for next time.

No loops. Nothing answers an automatic message (inbound/mail.py says which are), bounces
become an event on the ticket they concern, and every mail Tend sends says it is
automatic itself (itsm.services.notifications).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from inbound import routing
from inbound.mail import Mail, MailError, headers_of, parse
from inbound.models import InboundMessage, Mailbox, Outcome, State
from inbound.services.senders import over_cap, sender_account_create, sender_user
from itsm.models import User
from tickets import uploads
from tickets.models import MailReference, Source, Status, Ticket
from tickets.services.comments import comment_add
from tickets.services.mail import mail_reference_record, participants_add, ticket_mail_event
from tickets.services.ticket import ticket_create

log = logging.getLogger(__name__)


@dataclass
class _Done:
    state: str
    outcome: str
    ticket: Ticket | None = None
    comment_id: int | None = None
    held_reason: str = ""


def _existing(mailbox: Mailbox, message_id: str, uidvalidity, uid) -> InboundMessage | None:
    if uid is not None:
        row = InboundMessage.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity,
                                            uid=uid).first()
        if row is not None:
            return row
    return InboundMessage.objects.filter(message_id=message_id).first()


def _support_addresses() -> set[str]:
    from email.utils import parseaddr

    addresses = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    addresses.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    return addresses


def _files(mail: Mail) -> tuple[list[ContentFile], list[str]]:
    """The attachments Tend accepts, and a line for each one it does not."""
    kept, refused = [], []
    for attachment in mail.attachments:
        upload = ContentFile(attachment.content, name=uploads.display_name(attachment.name))
        if len(kept) >= uploads.MAX_FILES:
            refused.append(f"{upload.name}: at most {uploads.MAX_FILES} files per message")
            continue
        try:
            uploads.validate_files([upload])
        except ValidationError as exc:
            refused.extend(exc.message_dict.get("files", [str(exc)]))
            continue
        kept.append(upload)
    return kept, refused


def _body(text: str, refused: list[str]) -> str:
    if refused:
        text += "\n\n---\nNot kept from the mail (the original has them):\n" + "\n".join(
            f"- {line}" for line in refused)
    return text.strip()


def _people(mail: Mail) -> list[tuple[str, str]]:
    return [*mail.to, *mail.cc]


def _account(mail: Mail) -> User:
    return sender_user(mail.sender) or sender_account_create(address=mail.sender,
                                                             name=mail.sender_name)


def _reply(mailbox: Mailbox, row: InboundMessage, mail: Mail, ticket: Ticket,
           sender: User | None, now: datetime) -> _Done | None:
    """The message as a reply or note on `ticket`; None if the ticket takes none (closed)."""
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        return None
    actor = sender or _account(mail)
    if not routing.related(ticket, mail.sender, actor):
        participants_add(ticket=ticket, people=[(mail.sender_name, mail.sender)], now=now)
    participants_add(ticket=ticket, people=_people(mail), exclude=_support_addresses(),
                     now=now)
    body = mail.reply_text
    marker = mailbox.internal_note_marker.strip()
    internal = bool(actor.is_agent and marker and body.lower().startswith(marker.lower()))
    if internal:
        body = body[len(marker):].strip()
    files, refused = _files(mail)
    body = _body(body, refused) or "(The mail had no text.)"
    try:
        comment = comment_add(ticket=ticket, actor=actor, body=body, internal=internal,
                              files=files, now=now)
    except PermissionDenied:
        return None
    mail_reference_record(ticket=ticket, message_id=row.message_id, comment=comment,
                          direction=MailReference.Direction.IN, now=now)
    return _Done(State.PROCESSED, Outcome.NOTE if internal else Outcome.REPLY, ticket,
                 comment.pk)


def _new_ticket(mailbox: Mailbox, row: InboundMessage, mail: Mail, sender: User | None,
                mentioned: Ticket | None, now: datetime, *, quiet: bool,
                capped: bool) -> _Done:
    if sender is None and not mailbox.allow_unknown_senders:
        if quiet:  # an automatic mail from a stranger: nothing to refuse, nobody to tell
            return _Done(State.IGNORED, Outcome.AUTOMATIC)
        if capped and over_cap(mailbox=mailbox, sender=mail.sender, now=now):
            return _Done(State.HELD, Outcome.REFUSED,
                         held_reason=_cap_reason(mailbox, mail.sender))
        transaction.on_commit(lambda: _send_refusal(row.pk), robust=True)
        return _Done(State.PROCESSED, Outcome.REFUSED)
    if capped and over_cap(mailbox=mailbox, sender=mail.sender, now=now):
        return _Done(State.HELD, Outcome.NEW_TICKET,
                     held_reason=_cap_reason(mailbox, mail.sender))
    requester = sender or _account(mail)
    files, refused = _files(mail)
    ticket = ticket_create(
        requester=requester, title=mail.title, description=_body(mail.text, refused),
        source=Source.EMAIL, category=mailbox.category, service=mailbox.service,
        team=mailbox.team, files=files, acknowledge=not quiet, now=now)
    participants_add(ticket=ticket, people=_people(mail), exclude=_support_addresses(),
                     now=now)
    mail_reference_record(ticket=ticket, message_id=row.message_id,
                          direction=MailReference.Direction.IN, now=now)
    if mentioned is not None:
        ticket_mail_event(ticket=ticket, now=now, message=(
            f"The mail's subject named {mentioned.ref}, which its sender is not on: "
            "opened as a ticket of its own."))
        ticket_mail_event(ticket=mentioned, now=now, message=(
            f"A mail from {mail.sender} named this ticket in its subject; its sender is "
            f"not on it, so it became {ticket.ref}."))
    return _Done(State.PROCESSED, Outcome.NEW_TICKET, ticket)


def _cap_reason(mailbox: Mailbox, sender: str) -> str:
    return (f"{sender} reached the cap of {mailbox.sender_hourly_cap} new tickets and "
            "automatic replies an hour")


def _send_refusal(row_pk: int) -> None:
    from inbound.tasks import send_refusal

    send_refusal.delay(row_pk)


def _bounce(mail: Mail, now: datetime) -> _Done:
    from tickets import selectors

    ticket = selectors.mail_reference_ticket(mail.bounce.original_ids + mail.thread_ids)
    if ticket is None:
        return _Done(State.IGNORED, Outcome.BOUNCE)
    to = ", ".join(mail.bounce.recipients) or "a recipient"
    ticket_mail_event(ticket=ticket, now=now, message=(
        f"Mail to {to} could not be delivered"
        + (f": {mail.bounce.status}" if mail.bounce.status else ".")))
    return _Done(State.PROCESSED, Outcome.BOUNCE, ticket)


def _automatic_answer(mail: Mail, ticket: Ticket, now: datetime) -> _Done:
    ticket_mail_event(ticket=ticket, now=now, message=(
        f"Automatic mail from {mail.sender} ({mail.automatic}): {mail.subject}"[:500]))
    return _Done(State.IGNORED, Outcome.AUTOMATIC, ticket)


def _process(mailbox: Mailbox, row: InboundMessage, mail: Mail, now: datetime, *,
             capped: bool = True) -> _Done:
    if mail.bounce is not None:
        return _bounce(mail, now)
    sender = sender_user(mail.sender)
    route = routing.route(mail, sender)
    if mail.automatic and (route.ticket is not None or mail.responder):
        # An out-of-office to Tend's mail, or a responder's answer to something else:
        # noted where it belongs, answered by nothing.
        if route.ticket is not None:
            return _automatic_answer(mail, route.ticket, now)
        return _Done(State.IGNORED, Outcome.AUTOMATIC)
    if route.ticket is not None:
        done = _reply(mailbox, row, mail, route.ticket, sender, now)
        if done is not None:
            return done
        route = routing.Route(rule=3, mentioned=route.ticket)  # closed: a follow-up ticket
    return _new_ticket(mailbox, row, mail, sender, route.mentioned, now,
                       quiet=bool(mail.automatic), capped=capped)


def _apply(row: InboundMessage, done: _Done, now: datetime) -> None:
    row.state, row.outcome, row.ticket = done.state, done.outcome, done.ticket
    row.comment_id, row.held_reason = done.comment_id, done.held_reason
    row.error = ""
    row.processed_at = now if done.state != State.HELD else None


def _work(mailbox: Mailbox, row: InboundMessage, raw: bytes, now: datetime,
          capped: bool = True) -> None:
    """Parse and process into `row` (not saved). Bad mail or a failure of the work marks
    the row FAILED with why; a database that fails raises (nothing may be half-stored)."""
    row.attempts += 1
    try:
        mail = parse(raw, max_bytes=mailbox.max_message_bytes)
    except MailError as exc:
        row.state, row.error, row.outcome = State.FAILED, str(exc), Outcome.NONE
        return
    row.is_automatic = bool(mail.automatic)
    try:
        with transaction.atomic():  # a failure rolls back this message's work only
            done = _process(mailbox, row, mail, now, capped=capped)
    except IntegrityError as exc:  # a constraint the message's data broke: bad input
        log.exception("message %s: conflicting write", row.message_id)
        row.state, row.error = State.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        return
    except DatabaseError:  # the database itself: nothing may be stored, try again later
        raise
    except Exception as exc:
        log.exception("message %s could not be processed", row.message_id)
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()) \
            if isinstance(exc, ValidationError) and hasattr(exc, "message_dict") else str(exc)
        row.state, row.error = State.FAILED, f"{type(exc).__name__}: {detail}"[:2000]
        return
    _apply(row, done, now)


def message_receive(*, mailbox: Mailbox, raw: bytes, uidvalidity: int | None = None,
                    uid: int | None = None, now: datetime | None = None) -> InboundMessage:
    """Receive one raw message (RFC 822 bytes) into `mailbox`: stored, then processed, at
    most once. Returns its row (the existing one when the message was received before)."""
    now = now or timezone.now()
    message_id, sender, subject = headers_of(raw)
    if (found := _existing(mailbox, message_id, uidvalidity, uid)) is not None:
        return found
    row = InboundMessage(mailbox=mailbox, uidvalidity=uidvalidity if uid else None, uid=uid,
                         message_id=message_id[:255], size=len(raw), sender=sender,
                         subject=subject, received_at=now)
    row.raw.save("message.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                row.raw.delete(save=False)
                found = _existing(mailbox, message_id, uidvalidity, uid)
                if found is None:
                    raise
                return found
            _work(mailbox, row, raw, now)
            row.save()
    except BaseException:
        if row.raw.name:
            row.raw.storage.delete(row.raw.name)
        raise
    return row


def _again(row: InboundMessage, expected: str, now: datetime | None,
           capped: bool) -> InboundMessage:
    now = now or timezone.now()
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().select_related("mailbox").get(
            pk=row.pk)
        if locked.state != expected:
            raise ValidationError({"state": [
                f"This message is {locked.get_state_display().lower()}, not "
                f"{State(expected).label.lower()}."]})
        with locked.raw.open("rb") as handle:
            raw = handle.read()
        _work(locked.mailbox, locked, raw, now, capped=capped)
        locked.save()
    return locked


def message_retry(*, message: InboundMessage, actor: User | None = None,
                  now: datetime | None = None) -> InboundMessage:
    """Process a FAILED message again from its raw copy (after a fix, or a passing fault)."""
    _require_admin(actor)
    return _again(message, State.FAILED, now, capped=True)


def message_release(*, message: InboundMessage, actor: User | None = None,
                    now: datetime | None = None) -> InboundMessage:
    """Process a HELD message now, past the sender's hourly cap: an admin let it through."""
    _require_admin(actor)
    return _again(message, State.HELD, now, capped=False)


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("inbound.change_inboundmessage"):
        raise PermissionDenied("Only administrators can retry or release received mail.")

