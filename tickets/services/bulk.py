"""One change applied to many tickets from the desk queue, each ticket on its own."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Team, User
from tickets.models import Ticket
from tickets.services.changes import check_agent
from tickets.services.ticket import ticket_transition, ticket_update


@dataclass
class BulkResult:
    """Refs changed, refs already as asked (nothing written), refs skipped with the reason."""

    done: list[str]
    skipped: dict[str, str]
    unchanged: list[str] = field(default_factory=list)


def tickets_bulk_update(*, tickets: Sequence[Ticket], actor: User, assignee: User | None = None,
                        team: Team | None = None, status: str | None = None,
                        unassign: bool = False, now: datetime | None = None) -> BulkResult:
    """Apply one change to many tickets; each ticket succeeds, is already as asked (and is
    left alone: no write, no event, no e-mail), or is skipped with a reason."""
    check_agent(actor)
    now = now or timezone.now()
    result = BulkResult(done=[], skipped={})
    for ticket in tickets:
        changes = {}
        if team is not None and ticket.team_id != team.pk:
            changes["team"] = team
        if (assignee is not None or unassign) and ticket.assignee_id != (
                assignee.pk if assignee is not None else None):
            changes["assignee"] = assignee
        moves = bool(status) and ticket.status != status
        if not changes and not moves:
            result.unchanged.append(ticket.ref)
            continue
        try:
            with transaction.atomic():
                if changes:
                    ticket_update(ticket=ticket, actor=actor, now=now, **changes)
                if moves:
                    ticket_transition(ticket=ticket, actor=actor, to=status, now=now)
            result.done.append(ticket.ref)
        except ValidationError as exc:
            result.skipped[ticket.ref] = " ".join(
                message for messages in exc.message_dict.values() for message in messages)
    return result
