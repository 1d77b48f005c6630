"""Working through a ticket's checklist: ticking a step with the result and note it asks for."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import User
from tickets.models import ChecklistItem, Status, TicketEvent
from tickets.services.changes import Action, check_agent, lock, touch


@transaction.atomic
def checklist_tick(*, item: ChecklistItem, actor: User, done: bool = True, result: str = "",
                   note: str = "", now: datetime | None = None) -> ChecklistItem:
    """Tick (or untick) a checklist step, with the result and note it asks for."""
    check_agent(actor)
    now = now or timezone.now()
    ticket = lock(item.ticket, None, now)
    if not (ticket.is_open or ticket.status == Status.RESOLVED and not done):
        raise ValidationError({"checklist": [f"{ticket.ref} is {ticket.get_status_display()}."]})
    note = (note or "").strip()
    errors = {}
    if done and item.requires_result and result not in ChecklistItem.Result.values:
        errors["result"] = ["Record whether this step passed or failed."]
    if result and result not in ChecklistItem.Result.values:
        errors["result"] = ["Choose pass or fail."]
    if done and item.requires_note and not note:
        errors["note"] = ["This step needs a note."]
    if errors:
        raise ValidationError(errors)
    item.done_at, item.done_by = (now, actor) if done else (None, None)
    item.result, item.note = (result if done else ""), note
    item.save(update_fields=["done_at", "done_by", "result", "note"])
    outcome = f" — {item.get_result_display()}" if item.result else ""
    touch(ticket, [], reason="checklist", actor=actor, now=now)
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, at=now, action=Action.CHECKLIST, version=ticket.version,
        field=f"step {item.position}", new_value="done" if done else "reopened",
        message=f"{item.text}{outcome}{': ' + note if note else ''}"[:1000])
    return item
