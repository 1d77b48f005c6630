"""Who hears about what. Each message has a key, so a repeated task sends nothing twice."""

from datetime import datetime

from django.conf import settings

from itsm.services.notifications import notification_send_once
from tickets.models import Comment, Ticket


def _emails(users) -> list[str]:
    return [u.email for u in users if u is not None and u.is_active and u.email]


def _team_emails(ticket: Ticket) -> list[str]:
    if ticket.team is None:
        return []
    if ticket.team.email:
        return [ticket.team.email]
    return _emails(ticket.team.members.all())


def notification_deliver(*, event: str, ticket_id: int, object_id: int | None = None,
                         now: datetime | None = None) -> int:
    """Send the e-mails one ticket event calls for; returns how many went out now."""
    ticket = (Ticket.objects.select_related("requester", "assignee", "team")
              .filter(pk=ticket_id).first())
    if ticket is None:
        return 0
    base = settings.TEND_BASE_URL.rstrip("/")
    context = {"ticket": ticket, "portal_url": base + ticket.get_absolute_url(),
               "desk_url": base + ticket.get_desk_url()}
    sent = 0
    ref = ticket.ref
    if event == "created":
        sent += notification_send_once(
            key=f"created:{ticket.pk}:requester", to=_emails([ticket.requester]),
            subject=f"[{ref}] We received your request: {ticket.title}",
            template="ticket_created_requester", context=context, now=now)
        sent += notification_send_once(
            key=f"created:{ticket.pk}:team", to=_team_emails(ticket),
            subject=f"[{ref}] New {ticket.get_kind_display().lower()}: {ticket.title}",
            template="ticket_created_team", context=context, now=now)
    elif event == "assigned" and object_id:
        if ticket.assignee_id == object_id:
            sent += notification_send_once(
                key=f"assigned:{ticket.pk}:{object_id}:{ticket.version}",
                to=_emails([ticket.assignee]),
                subject=f"[{ref}] Assigned to you: {ticket.title}",
                template="ticket_assigned", context=context, now=now)
    elif event == "reply" and object_id:
        comment = Comment.objects.select_related("author").filter(pk=object_id).first()
        if comment is None or comment.is_internal:
            return 0
        context["comment"] = comment
        if comment.author_id != ticket.requester_id:
            to, template = _emails([ticket.requester]), "reply_to_requester"
        else:
            to, template = _emails([ticket.assignee]), "reply_to_assignee"
        sent += notification_send_once(
            key=f"reply:{comment.pk}", to=to, subject=f"[{ref}] New reply: {ticket.title}",
            template=template, context=context, now=now)
    elif event == "resolved" and ticket.resolved_at is not None:
        sent += notification_send_once(
            key=f"resolved:{ticket.pk}:{int(ticket.resolved_at.timestamp())}",
            to=_emails([ticket.requester]), subject=f"[{ref}] Resolved: {ticket.title}",
            template="ticket_resolved", context=context, now=now)
    return sent
