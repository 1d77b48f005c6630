"""The demo's SLA set-up for services that run around the clock.

Tend's defaults (tickets migration 0005) time P1 incidents on the 24×7 calendar and every
other priority on office hours. That suits a service nobody looks at by night, but a
check on a service that runs day and night opens its incidents at any hour (P2 unless the
check says otherwise): an outage at 05:56 would have its first response due at 10:00.
How to set that up in Tend: keep "P1 incidents (24×7)", and add a P2 policy on the 24×7
calendar for each such service, tried before the office-hours "P2 incidents" (a lower
`order`). A P2 ticket about the same service from someone at their desk gets the same
24×7 clock: on those services the desk answers P2 incidents around the clock.

seed_policies() is safe to run again: calendar and policies are looked up by name, and
one an admin changed is left as it is.
"""

from datetime import time

from itsm.models import BusinessCalendar, Service
from itsm.services.calendars import calendar_save
from tickets.models import Kind, Priority, SlaPolicy
from tickets.services.config import sla_policy_save

CALENDAR = "24×7"
P1_POLICY = "P1 incidents (24×7)"
# Services the demo's checks watch: they run day and night, so their outages page.
AROUND_THE_CLOCK = ("IT portal", "VPN")
P2_RESPONSE_MINUTES, P2_RESOLUTION_MINUTES = 30, 8 * 60


def p2_policy_name(service: str) -> str:
    return f"P2 incidents on {service} (24×7)"


def _calendar() -> BusinessCalendar:
    found = BusinessCalendar.objects.filter(name=CALENDAR).first()
    if found:
        return found
    # 00:00–00:00 is the whole day (WorkingPeriod.end: 00:00 means midnight at the end).
    return calendar_save(actor=None, calendar=BusinessCalendar(name=CALENDAR, time_zone="UTC"),
                         periods=[{"weekday": day, "start": time(0), "end": time(0)}
                                  for day in range(7)])


def seed_policies() -> list[SlaPolicy]:
    """The 24×7 calendar, the P1 policy on it and a P2 policy per around-the-clock service;
    returns the ones it had to create."""
    calendar = _calendar()
    wanted = [(P1_POLICY, 10, Priority.P1, None, 15, 4 * 60)]
    for name in AROUND_THE_CLOCK:
        service = Service.objects.filter(name=name).first()
        if service is not None:
            wanted.append((p2_policy_name(name), 15, Priority.P2, service,
                           P2_RESPONSE_MINUTES, P2_RESOLUTION_MINUTES))
    made = []
    for name, order, priority, service, response, resolution in wanted:
        if SlaPolicy.objects.filter(name=name).exists():
            continue
        made.append(sla_policy_save(actor=None, policy=SlaPolicy(
            name=name, order=order, kinds=[Kind.INCIDENT.value], priorities=[int(priority)],
            service=service, calendar=calendar, response_minutes=response,
            resolution_minutes=resolution)))
    return made
