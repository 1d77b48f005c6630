"""Time worked on a ticket: an engineer logs minutes, seen on the internal timeline."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import User
from tickets.models import Ticket, TicketEvent, TimeEntry
from tickets.services import facts
from tickets.services.changes import Action, check_agent, lock, touch


@transaction.atomic
def time_log(*, ticket: Ticket, actor: User, minutes: int, note: str = "",
             now: datetime | None = None) -> TimeEntry:
    """Log `minutes` (1 to a day) of `actor`'s work on `ticket`."""
    check_agent(actor)
    if not isinstance(minutes, int) or minutes <= 0 or minutes > 24 * 60:
        raise ValidationError({"minutes": ["Enter between 1 and 1440 minutes."]})
    now = now or timezone.now()
    locked = lock(ticket, None, now)
    entry = TimeEntry.objects.create(ticket=locked, user=actor, minutes=minutes,
                                     note=note[:255], created_at=now)
    touch(locked, [], reason="time logged", actor=actor, now=now)
    facts.facts_time_logged(ticket=locked, entry=entry)
    TicketEvent.objects.create(ticket=locked, actor=actor, at=now, action=Action.TIME,
                               version=locked.version, new_value=f"{minutes} min",
                               message=note[:255], is_internal=True)
    return entry
