"""The standard ticket payload of domain events, and one call to publish it.

Webhook receivers script against this shape (README, "Webhooks"): keep its keys stable.
Names, not only ids, so a receiver needs no API call to show what happened; no
description or comment text, which may hold what only the desk should read.
"""

from datetime import datetime

from django.conf import settings

from itsm import events


def ticket_data(ticket) -> dict:
    base = settings.TEND_BASE_URL.rstrip("/")
    return {
        "id": ticket.pk, "ref": ticket.ref, "kind": ticket.kind, "title": ticket.title,
        "status": ticket.status, "priority": ticket.priority,
        "team": ticket.team.name if ticket.team_id else None,
        "service": ticket.service.name if ticket.service_id else None,
        "assignee": ticket.assignee.get_username() if ticket.assignee_id else None,
        "source": ticket.source,
        "created_at": ticket.created_at, "updated_at": ticket.updated_at,
        "url": base + ticket.get_desk_url(),
    }


def publish(name: str, ticket, *, now: datetime | None = None, **extra) -> None:
    """Publish `name` about `ticket`: {"ticket": {...}, **extra}, filterable by its team,
    service, kind and priority."""
    events.publish(name, data={"ticket": ticket_data(ticket), **extra}, now=now,
                   team_id=ticket.team_id, service_id=ticket.service_id, kind=ticket.kind,
                   priority=ticket.priority)
