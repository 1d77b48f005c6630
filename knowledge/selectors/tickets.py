"""Articles and tickets: the draft a resolved ticket gives, and the articles linked to one."""

from django.db.models import QuerySet

from knowledge import text
from knowledge.models import Article
from tickets.models import Comment, Ticket

from .visibility import visible_articles


def solving_reply(ticket: Ticket) -> Comment | None:
    """The reply that solved the ticket: the last public reply by someone other than the
    requester up to the moment it was resolved (the resolve note is such a reply)."""
    replies = ticket.comments.filter(is_internal=False).exclude(author_id=ticket.requester_id)
    if ticket.resolved_at is not None:
        replies = replies.filter(created_at__lte=ticket.resolved_at)
    return replies.order_by("-created_at", "-pk").first()


def draft_from_ticket(ticket: Ticket) -> dict:
    """Fields of a draft article from a solved ticket: symptoms from its first message,
    the resolution from the solving reply, e-mail addresses and phone numbers removed."""
    reply = solving_reply(ticket)
    return {
        "title": text.scrub(ticket.title)[:200],
        "symptoms": text.scrub(ticket.description),
        "resolution": text.scrub(reply.body) if reply else "",
        "category": ticket.category,
        "services": [ticket.service] if ticket.service_id else [],
        "asset_kinds": [ticket.asset.kind] if ticket.asset_id else [],
    }


def linked_articles(ticket: Ticket, user) -> QuerySet[Article]:
    """Articles linked to `ticket` that `user` may see, most recently linked first."""
    return (visible_articles(user, unpublished=True).filter(ticket_links__ticket=ticket)
            .only("pk", "title", "audience", "confidence").order_by("-ticket_links__at"))
