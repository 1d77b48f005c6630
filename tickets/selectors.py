"""Reads with rules. Visibility is decided here, once, for web, API and exports."""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from itsm.models import User
from tickets.models import (
    KIND_BY_PREFIX,
    OPEN_STATUSES,
    Attachment,
    Comment,
    MailReference,
    OpenTicketFact,
    Ticket,
    TicketEvent,
    TimeEntry,
)

REF_RE = re.compile(r"^\s*([A-Za-z]{3})-(\d{1,9})\s*$")


def visible_tickets(user: User) -> QuerySet[Ticket]:
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.sees_all_tickets:
        return Ticket.objects.all()
    return Ticket.objects.filter(requester=user)


def open_ticket_count(condition: Q) -> int | None:
    """How many tickets are open with `condition` over OpenTicketFact's columns, summed from
    the maintained counts (a few rows, however many tickets are open); None while their
    upkeep is off (TEND_REPORT_FACTS=0), when only counting the tickets is right."""
    if not getattr(settings, "TEND_REPORT_FACTS", True):
        return None
    return OpenTicketFact.objects.filter(condition).aggregate(n=Sum("n"))["n"] or 0


def parse_ref(ref: str) -> tuple[str, int] | None:
    match = REF_RE.match(ref or "")
    if not match or match[1].upper() not in KIND_BY_PREFIX:
        return None
    return KIND_BY_PREFIX[match[1].upper()], int(match[2])


def get_visible_ticket(user: User, ref: str, *, for_update_fields=False) -> Ticket:
    """The ticket `ref` (e.g. INC-1042) if `user` may see it; 404 otherwise, never 403."""
    parsed = parse_ref(ref)
    if parsed is None:
        raise Http404("No such ticket.")
    kind, number = parsed
    ticket = (visible_tickets(user)
              .select_related("requester", "assignee", "team", "category", "service", "asset")
              .filter(kind=kind, number=number).first())
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def visible_comments(user: User, ticket: Ticket) -> QuerySet[Comment]:
    comments = (ticket.comments.select_related("author").prefetch_related("attachments")
                .defer("search"))
    if not user.sees_all_tickets:
        comments = comments.filter(is_internal=False)
    return comments


def visible_events(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = ticket.events.select_related("actor")
    if not user.sees_all_tickets:
        events = events.filter(is_internal=False)
    return events


def visible_attachments(user: User) -> QuerySet[Attachment]:
    attachments = Attachment.objects.filter(ticket__in=visible_tickets(user))
    if not user.sees_all_tickets:
        attachments = attachments.filter(Q(comment__isnull=True) | Q(comment__is_internal=False))
    return attachments


def get_visible_attachment(user: User, pk: int) -> Attachment:
    attachment = visible_attachments(user).select_related("ticket").filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def search_tickets(queryset: QuerySet[Ticket], term: str, *,
                   user: User | None = None) -> QuerySet[Ticket]:
    """Tickets whose title, description or conversation match: full-text search on
    Postgres, LIKE on SQLite. A ticket reference such as "INC-1042" finds that ticket.

    The conversation searched is what `user` may read (as visible_comments): public
    replies for everyone who sees the ticket, internal notes only for those who see notes.
    Without a user only public replies count.
    """
    term = (term or "").strip()
    if not term:
        return queryset
    parsed = parse_ref(term)
    if parsed is not None:
        return queryset.filter(kind=parsed[0], number=parsed[1])
    comments = Comment.objects.all()
    if user is None or not user.sees_all_tickets:
        comments = comments.filter(is_internal=False)
    if connection.vendor == "postgresql":
        query = SearchQuery(term, search_type="websearch", config="english")
        # The ticket's own vector OR a readable comment's: the planner can walk the queue's
        # sort index and stop at a page of matches, instead of collecting every match of a
        # common word first (an id UNION made 'vpn' at 1M tickets take ~0.9 s).
        said = comments.filter(ticket_id=OuterRef("pk"), search=query)
        return queryset.filter(Q(search=query) | Exists(said))
    condition = Q()
    said = Q()
    for word in term.split()[:8]:
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
        said &= Q(body__icontains=word)
    return queryset.filter(condition | Q(pk__in=comments.filter(said).values("ticket_id")))


def other_tickets_of_requester(ticket: Ticket, limit: int = 10) -> QuerySet[Ticket]:
    return (Ticket.objects.filter(requester_id=ticket.requester_id).exclude(pk=ticket.pk)
            .order_by("-created_at").only("kind", "number", "title", "status", "created_at")
            [:limit])


def at_risk(tickets: QuerySet[Ticket], now) -> QuerySet[Ticket]:
    """Open, clock running, warning point of the next target passed, deadline not yet."""
    return tickets.filter(status__in=OPEN_STATUSES, next_warn_at__lte=now, next_due_at__gt=now)


def breached(tickets: QuerySet[Ticket], now) -> QuerySet[Ticket]:
    """Open tickets that missed a target: marked by the sweep or the clock (`sla_breached`,
    which also covers those that breached and then paused), or past due since the last
    sweep."""
    return tickets.filter(Q(sla_breached=True) | Q(next_due_at__lte=now),
                          status__in=OPEN_STATUSES)


def minutes_logged(ticket: Ticket) -> int:
    """Total minutes of work logged on the ticket (0 when none)."""
    return TimeEntry.objects.filter(ticket=ticket).aggregate(total=Sum("minutes"))["total"] or 0


def mail_reference_ticket(message_ids) -> Ticket | None:
    """The ticket whose thread holds one of these Message-IDs, the first found in the
    order given (callers give In-Reply-To first, then References newest first)."""
    ids = [mid for mid in message_ids if mid]
    if not ids:
        return None
    found = dict(MailReference.objects.filter(message_id__in=ids)
                 .values_list("message_id", "ticket_id"))
    for mid in ids:
        if mid in found:
            return Ticket.objects.select_related("requester").get(pk=found[mid])
    return None


def thread_root(ticket: Ticket) -> str:
    """The Message-ID that starts the ticket's mail thread ("" before its first mail)."""
    return (MailReference.objects.filter(ticket=ticket).order_by("created_at", "id")
            .values_list("message_id", flat=True).first() or "")


def participant_emails(ticket: Ticket) -> list[str]:
    return list(ticket.participants.values_list("email", flat=True))


def ticket_participants(ticket: Ticket):
    return ticket.participants.select_related("user").order_by("added_at", "id")


def ticket_by_ref(ref: str) -> Ticket | None:
    parsed = parse_ref(ref)
    if parsed is None:
        return None
    kind, number = parsed
    return Ticket.objects.select_related("requester").filter(kind=kind, number=number).first()
