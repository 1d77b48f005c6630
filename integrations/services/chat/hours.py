"""Quiet hours: when a channel's team is at work, from a business calendar.

Teams have no calendar of their own; SLA policies do. A channel's calendar is the one it
names, else that of the first active SLA policy for its team, else that of the ticket's
own SLA policy (a P3 incident on office hours is quiet at night; the default P1 policy
is 24×7). None of these: always open.

Outside working hours only P1 goes out at once; the rest is held until the calendar next
opens, or dropped, as the channel says (ChatChannel.outside_hours).
"""

from dataclasses import dataclass
from datetime import datetime

from integrations.models import ChatChannel, OutsideHours
from itsm.business_time import NoOpenTime
from itsm.models import BusinessCalendar
from tickets.models import SlaPolicy, Ticket


@dataclass(frozen=True)
class Timing:
    send_at: datetime | None  # None: dropped
    held: bool = False


def channel_calendar(channel: ChatChannel, *, ticket_id: int | None = None
                     ) -> BusinessCalendar | None:
    if channel.calendar_id:
        return channel.calendar
    policy = (SlaPolicy.objects.filter(is_active=True, team_id=channel.team_id)
              .select_related("calendar").first())
    if policy is not None:
        return policy.calendar
    if ticket_id is not None:
        ticket = Ticket.objects.filter(pk=ticket_id).select_related(
            "sla_policy__calendar").only("sla_policy__calendar").first()
        if ticket is not None and ticket.sla_policy_id:
            return ticket.sla_policy.calendar
    return None


def timing(channel: ChatChannel, *, priority: int | None, now: datetime,
           calendar: BusinessCalendar | None) -> Timing:
    """When a message of `priority` written at `now` goes out on `channel`."""
    if priority == 1 or calendar is None:
        return Timing(send_at=now)
    schedule = calendar.schedule()
    try:
        opens = schedule.next_open(now)
    except NoOpenTime:  # a calendar with no working time at all: never quiet
        return Timing(send_at=now)
    if opens <= now:
        return Timing(send_at=now)
    if channel.outside_hours == OutsideHours.DROP:
        return Timing(send_at=None)
    return Timing(send_at=opens, held=True)
