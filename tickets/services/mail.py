"""A ticket's mail thread: its participants and the Message-IDs that belong to it.

The mail channel (inbound/) records each message it receives and the people in its Cc;
the notifications record each mail they send. Replies then thread by Message-ID, and
go to the requester and the participants, not to whoever wrote last.

`reply_address` is a registry the mail channel fills (it sits above tickets): the support
address a ticket's mails carry in Reply-To, so that answering them reaches a mailbox Tend
reads.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from itsm.models import User
from itsm.services.access import require_agent
from tickets.models import Comment, MailReference, Participant, Ticket, TicketEvent

Action = TicketEvent.Action
_reply_address: list[Callable[[Ticket], str]] = []


def define_reply_address(finder: Callable[[Ticket], str]) -> None:
    """Register how a ticket's Reply-To is found (the mail channel does, at start-up)."""
    if finder not in _reply_address:
        _reply_address.append(finder)


def reply_address(ticket: Ticket) -> str:
    for finder in _reply_address:
        address = finder(ticket)
        if address:
            return address
    return ""


def mail_reference_record(*, ticket: Ticket, message_id: str, direction: str,
                          comment: Comment | None = None,
                          now: datetime | None = None) -> None:
    """Note that `message_id` belongs to the ticket's thread; a second time does nothing."""
    if not message_id:
        return
    MailReference.objects.bulk_create(
        [MailReference(ticket=ticket, comment=comment, message_id=message_id[:255],
                       direction=direction, created_at=now or timezone.now())],
        ignore_conflicts=True)


def _user_for(email: str) -> User | None:
    return (User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first())


def participants_add(*, ticket: Ticket, people: Iterable[tuple[str, str]],
                     source: str = Participant.Source.CC, exclude: Iterable[str] = (),
                     now: datetime | None = None) -> list[Participant]:
    """Add (name, address) pairs as participants; the requester, addresses in `exclude`
    (the support mailboxes) and people already on the ticket are skipped. Returns the new."""
    now = now or timezone.now()
    skip = {address.lower() for address in exclude if address}
    if ticket.requester.email:
        skip.add(ticket.requester.email.lower())
    skip |= set(Participant.objects.filter(ticket=ticket).values_list("email", flat=True))
    added = []
    for name, address in people:
        address = (address or "").strip().lower()
        if not address or address in skip or "@" not in address:
            continue
        skip.add(address)
        added.append(Participant(ticket=ticket, email=address[:254], name=(name or "")[:200],
                                 user=_user_for(address), source=source, added_at=now))
    if added:
        Participant.objects.bulk_create(added, ignore_conflicts=True)
        TicketEvent.objects.create(
            ticket=ticket, actor=None, action=Action.CHANGED, at=now, field="participants",
            version=ticket.version, message="Added to the conversation: "
            + ", ".join(str(p) for p in added))
    return added


def participants_link(*, email: str, user: User) -> int:
    """An account now exists for this address: its participations become the user's."""
    return Participant.objects.filter(email=email.lower(), user__isnull=True).update(user=user)


@transaction.atomic
def participant_add(*, ticket: Ticket, actor: User, email: str, name: str = "",
                    now: datetime | None = None) -> Participant:
    """An engineer adds someone to the conversation from the desk."""
    require_agent(actor)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid e-mail address."]}) from None
    if ticket.requester.email and ticket.requester.email.lower() == email:
        raise ValidationError({"email": ["That is the requester, who is on the ticket."]})
    if Participant.objects.filter(ticket=ticket, email=email).exists():
        raise ValidationError({"email": [f"{email} is already a participant."]})
    now = now or timezone.now()
    participant = Participant.objects.create(
        ticket=ticket, email=email, name=name.strip()[:200], user=_user_for(email),
        source=Participant.Source.ADDED, added_at=now)
    TicketEvent.objects.create(ticket=ticket, actor=actor, action=Action.CHANGED, at=now,
                               field="participants", version=ticket.version,
                               message=f"Added {participant} to the conversation")
    return participant


@transaction.atomic
def participant_remove(*, participant: Participant, actor: User,
                       now: datetime | None = None) -> None:
    require_agent(actor)
    ticket = participant.ticket
    TicketEvent.objects.create(ticket=ticket, actor=actor, action=Action.CHANGED,
                               at=now or timezone.now(), field="participants",
                               version=ticket.version,
                               message=f"Removed {participant} from the conversation")
    participant.delete()


def ticket_mail_event(*, ticket: Ticket, message: str, internal: bool = True,
                      now: datetime | None = None) -> TicketEvent:
    """A mail that is not a reply (a bounce, an automatic answer) noted on the timeline."""
    return TicketEvent.objects.create(
        ticket=ticket, actor=None, action=Action.NOTICE, at=now or timezone.now(),
        version=ticket.version, message=message[:2000], is_internal=internal)

