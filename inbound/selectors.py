"""Reads for the mail channel: mailboxes' health, the failed and held lists, a ticket's mail."""

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
