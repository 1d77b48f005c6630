"""What an escalation rule does to a ticket when the SLA sweep fires it."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tickets.models import EscalationRule, Priority, Ticket, TicketEvent
from tickets.services import changes
from tickets.services.changes import Action, event, lock, touch


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, rule: EscalationRule, label: str,
                    now: datetime | None = None) -> Ticket:
    """An escalation rule moves the ticket to another team or raises its priority."""
    now = now or timezone.now()
    locked = lock(ticket, None, now)
    events, fields = [], []
    if rule.reassign_team_id and locked.team_id != rule.reassign_team_id:
        events.append(event(locked, None, Action.CHANGED, at=now, field="team",
                            old_value=changes.label(locked.team),
                            new_value=changes.label(rule.reassign_team),
                            message=f"{label}: escalation “{rule.name}”"))
        locked.team = rule.reassign_team
        fields.append("team")
        if locked.assignee_id and not rule.reassign_team.members.filter(
                pk=locked.assignee_id).exists():
            events.append(event(locked, None, Action.CHANGED, at=now, field="assignee",
                                old_value=changes.label(locked.assignee), new_value=""))
            locked.assignee = None
            fields.append("assignee")
    if rule.raise_priority and locked.priority > Priority.P1:
        old = locked.get_priority_display()
        locked.priority -= 1
        events.append(event(locked, None, Action.CHANGED, at=now, field="priority",
                            old_value=old, new_value=locked.get_priority_display(),
                            message=f"{label}: escalation “{rule.name}”"))
        fields.append("priority")
    if fields:
        touch(locked, fields, reason=f"escalation “{rule.name}”", now=now)
        TicketEvent.objects.bulk_create(events)
    return locked
