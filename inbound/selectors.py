"""Reads for the mail channel: mailboxes' health, the failed and held lists, a ticket's mail."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from inbound.models import InboundMessage, Mailbox, State
from tickets.models import Ticket


def mailboxes_with_counts() -> QuerySet[Mailbox]:
    return Mailbox.objects.select_related("team", "category", "service").annotate(
        failed=Count("messages", filter=Q(messages__state=State.FAILED)),
        held=Count("messages", filter=Q(messages__state=State.HELD)))


def messages_needing_attention() -> QuerySet[InboundMessage]:
    """Failed and held messages, newest first: what an admin has to look at."""
    return (InboundMessage.objects.filter(state__in=[State.FAILED, State.HELD])
            .select_related("mailbox").order_by("-received_at", "-id"))


def recent_messages(mailbox: Mailbox | None = None) -> QuerySet[InboundMessage]:
    rows = InboundMessage.objects.select_related("mailbox", "ticket")
    if mailbox is not None:
        rows = rows.filter(mailbox=mailbox)
    return rows.order_by("-received_at", "-id")


def ticket_messages(ticket: Ticket) -> QuerySet[InboundMessage]:
    return (InboundMessage.objects.filter(ticket=ticket).select_related("mailbox")
            .order_by("received_at", "id"))


def mailbox_by_token_hash(token_hash: str) -> Mailbox | None:
    if not token_hash:
        return None
    return Mailbox.objects.filter(token_hash=token_hash, enabled=True).first()


def reply_address_for(ticket: Ticket) -> str:
    """The address a ticket's mails give in Reply-To: the mailbox its first mail came to,
    else the first enabled mailbox (so portal tickets can be answered by mail too)."""
    first = (InboundMessage.objects.filter(ticket=ticket).order_by("received_at", "id")
             .values_list("mailbox__address", flat=True).first())
    if first:
        return first
    return (Mailbox.objects.filter(enabled=True).order_by("pk")
            .values_list("address", flat=True).first() or "")


def visible_message(user, pk: int) -> InboundMessage:
    """A received message for the desk: one on a ticket for support staff, any for admins
    (mail that made no ticket may be anyone's); 404 otherwise, never 403."""
    from django.http import Http404

    row = (InboundMessage.objects.select_related("mailbox", "ticket", "comment")
           .filter(pk=pk).first())
    if row is None or not user.sees_all_tickets or (
            row.ticket_id is None and not user.has_perm("inbound.view_inboundmessage")):
        raise Http404("No such message.")
    return row


@dataclass
class MessageView:
    headers: list[tuple[str, str]]
    mail: object | None  # inbound.mail.Mail, or None when it cannot be read
    problem: str  # why it cannot be read ("" when it can)


def message_view(row: InboundMessage) -> MessageView:
    """The stored raw copy read for the message page: every header, the parsed body and
    attachments; a message that does not parse shows its headers and the reason."""
    from email import message_from_bytes, policy

    from inbound.mail import MailError, one_line, parse

    try:
        with row.raw.open("rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return MessageView([], None, f"The stored copy cannot be read: {exc}")
    try:
        head = message_from_bytes(raw[:256 * 1024], policy=policy.compat32)
        headers = [(name, one_line(value)[:2000]) for name, value in head.items()[:200]]
    except Exception:  # the page still shows what parse() says
        headers = []
    try:
        return MessageView(headers, parse(raw, max_bytes=len(raw) + 1), "")
    except MailError as exc:
        return MessageView(headers, None, str(exc))
