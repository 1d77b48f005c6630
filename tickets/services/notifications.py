"""Who hears about what. Each message has a key, so a repeated task sends nothing twice.

Every mail about a ticket is part of its thread: it carries In-Reply-To/References naming
the thread's first message, Reply-To the support address (tickets.services.mail), and
its own Message-ID is recorded so that an answer to it lands on the ticket. Public
replies go to the requester with the participants in Cc.
"""

from datetime import datetime

from django.conf import settings

from itsm.services.notifications import message_id, notification_send_once
from tickets import selectors
from tickets.models import Comment, MailReference, Ticket
from tickets.services.mail import mail_reference_record, reply_address


def _emails(users) -> list[str]:
    return [u.email for u in users if u is not None and u.is_active and u.email]


def _team_emails(ticket: Ticket) -> list[str]:
    if ticket.team is None:
        return []
    if ticket.team.email:
        return [ticket.team.email]
    return _emails(ticket.team.members.all())


def _send(ticket: Ticket, *, key: str, to: list[str], cc: list[str] = (), subject: str,
          template: str, context: dict, now: datetime | None) -> int:
    """One mail of the ticket's thread, its Message-ID recorded before it goes out (so a
    reply that arrives at once already finds it)."""
    if not to:
        return 0
    root = selectors.thread_root(ticket)
    headers = {}
    if root:
        headers["In-Reply-To"] = root
        headers["References"] = root
    address = reply_address(ticket)
    if address:
        headers["Reply-To"] = address
    mail_reference_record(ticket=ticket, message_id=message_id(key),
                          direction=MailReference.Direction.OUT, now=now)
    return int(notification_send_once(key=key, to=to, cc=cc, subject=subject,
                                      template=template, context=context, headers=headers,
                                      now=now))


def notification_deliver(*, event: str, ticket_id: int, object_id: int | None = None,
                         now: datetime | None = None) -> int:
    """Send the e-mails one ticket event calls for; returns how many went out now.

    "created_quiet" is a ticket opened from an automatic mail: the team hears of it, the
    sender gets no acknowledgement (no ping-pong with a responder)."""
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
        sent += _send(
            ticket, key=f"created:{ticket.pk}:requester", to=_emails([ticket.requester]),
            subject=f"[{ref}] We received your request: {ticket.title}",
            template="ticket_created_requester", context=context, now=now)
    if event in ("created", "created_quiet"):
        sent += _send(
            ticket, key=f"created:{ticket.pk}:team", to=_team_emails(ticket),
            subject=f"[{ref}] New {ticket.get_kind_display().lower()}: {ticket.title}",
            template="ticket_created_team", context=context, now=now)
    elif event == "assigned" and object_id:
        if ticket.assignee_id == object_id:
            sent += _send(
                ticket, key=f"assigned:{ticket.pk}:{object_id}:{ticket.version}",
                to=_emails([ticket.assignee]),
                subject=f"[{ref}] Assigned to you: {ticket.title}",
                template="ticket_assigned", context=context, now=now)
    elif event == "reply" and object_id:
        sent += _reply(ticket, object_id, context, now)
    elif event == "resolved" and ticket.resolved_at is not None:
        sent += _send(
            ticket, key=f"resolved:{ticket.pk}:{int(ticket.resolved_at.timestamp())}",
            to=_emails([ticket.requester]), cc=selectors.participant_emails(ticket),
            subject=f"[{ref}] Resolved: {ticket.title}",
            template="ticket_resolved", context=context, now=now)
    return sent


def _reply(ticket: Ticket, comment_id: int, context: dict, now: datetime | None) -> int:
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None or comment.is_internal:
        return 0
    context["comment"] = comment
    subject = f"[{ticket.ref}] New reply: {ticket.title}"
    author = (comment.author.email or "").lower()
    participants = [e for e in selectors.participant_emails(ticket) if e != author]
    by_staff = comment.author.is_agent and comment.author_id != ticket.requester_id
    if by_staff:
        return _send(ticket, key=f"reply:{comment.pk}", to=_emails([ticket.requester]),
                     cc=participants, subject=subject, template="reply_to_requester",
                     context=context, now=now)
    sent = _send(ticket, key=f"reply:{comment.pk}", to=_emails([ticket.assignee]),
                 subject=subject, template="reply_to_assignee", context=context, now=now)
    # The requester or a participant wrote: the others on the conversation read it too.
    others = participants + [e for e in _emails([ticket.requester]) if e.lower() != author]
    if others:
        sent += _send(ticket, key=f"reply:{comment.pk}:conversation", to=others,
                      subject=subject, template="reply_to_requester", context=context,
                      now=now)
    return sent
