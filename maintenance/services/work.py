"""Writes for working a maintenance checklist: ticking a step, raising an incident from one.

Each call is one transaction over tickets.services and the maintenance link rows; the
desk's work panel (maintenance/web/desk/work.py) calls these.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import User
from itsm.services.system_user import system_user_get
from maintenance.models import StepIncident
from tickets import services as tickets
from tickets.models import ChecklistItem, Kind, Level, Source, Status


@transaction.atomic
def work_step_tick(*, item: ChecklistItem, actor: User, done: bool, result: str = "",
                   note: str = "", now: datetime | None = None) -> ChecklistItem:
    """Tick or untick a step. Ticking the first step of a new item starts the work."""
    now = now or timezone.now()
    ticket = item.ticket
    # The queue should say the work has started as soon as a step is done.
    if done and ticket.status == Status.NEW:
        tickets.ticket_transition(ticket=ticket, actor=actor, to=Status.IN_PROGRESS, now=now)
    return tickets.checklist_tick(item=item, actor=actor, done=done, result=result or "",
                                  note=note or "", now=now)


def step_incident_raise(*, item: ChecklistItem, actor: User,
                        now: datetime | None = None) -> tuple[StepIncident, bool]:
    """Raise an incident from a failed step, linked to its work item. Once per step.

    Returns the link and whether it was raised now (False: it was raised before, e.g. by
    a double click). A step that did not fail raises ValidationError.
    """
    now = now or timezone.now()
    with transaction.atomic():
        item = (ChecklistItem.objects.select_for_update().select_related("ticket")
                .get(pk=item.pk))  # a double click waits here, then finds the link
        existing = StepIncident.objects.select_related("incident").filter(item=item).first()
        if existing:
            return existing, False
        if item.result != ChecklistItem.Result.FAIL:
            raise ValidationError({"result": ["Only a failed step can raise an incident."]})
        ticket = item.ticket
        note = f"\n\nNote on the step: {item.note}" if item.note else ""
        incident = tickets.ticket_create(
            requester=system_user_get(), actor=actor, kind=Kind.INCIDENT,
            source=Source.MAINTENANCE, title=f"Failed: {item.text}"[:200],
            description=(f"Step {item.position} of {ticket.ref} ({ticket.title}) failed."
                         f"{note}"),
            service=ticket.service, asset=ticket.asset, team=ticket.team,
            impact=Level.MEDIUM, urgency=Level.MEDIUM, parent=ticket, now=now)
        link = StepIncident.objects.create(item=item, incident=incident, created_at=now)
        tickets.ticket_notice(ticket=ticket, internal=True, field=f"step {item.position}",
                              message=f"{incident.ref} raised from the failed step "
                                      f"“{item.text}”.", now=now)
    return link, True
