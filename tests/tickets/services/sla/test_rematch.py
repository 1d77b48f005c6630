"""A policy that starts to apply late (matched on a reply, after a config change, or a
new priority/category) counts the time used from the ticket's own history, on its own
calendar and pause statuses: as if it had applied from the start."""

from datetime import timedelta

from itsm.models import BusinessCalendar
from tests.factories import make_ticket
from tickets import services
from tickets.models import Kind, Level, SlaPolicy, Status

from .test_clock import H, p3, utc

S = timedelta(seconds=1)


def test_a_policy_matched_on_the_reply_counts_the_time_since_filing(alice, dee):
    filed = utc(2026, 3, 9, 9, 0)
    ticket = make_ticket(alice, kind=Kind.PROBLEM, now=filed)
    assert ticket.sla_policy is None  # no policy for problems yet
    SlaPolicy.objects.create(name="Problems 24×7", order=1, kinds=[Kind.PROBLEM],
                             calendar=BusinessCalendar.objects.get(name="24×7"),
                             response_minutes=1, resolution_minutes=60)
    services.comment_add(ticket=ticket, actor=dee, body="Looking", now=filed + 285 * S)
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Problems 24×7"
    assert ticket.response_used == 285 * S
    assert ticket.response_breached is True and ticket.sla_breached is True
    assert ticket.resolution_used == 285 * S


def test_a_move_to_a_round_the_clock_policy_recounts_the_weekend_but_not_the_pause(
        alice, dee):
    ticket = p3(alice, now=utc(2026, 3, 6, 16, 0))  # Friday, office hours
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.ON_HOLD,
                               now=utc(2026, 3, 7, 0, 0))
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.IN_PROGRESS,
                               now=utc(2026, 3, 8, 0, 0))
    ticket.refresh_from_db()
    assert ticket.resolution_used == H  # Friday 16–17 on office hours
    services.ticket_update(ticket=ticket, actor=dee, impact=Level.HIGH, urgency=Level.HIGH,
                           now=utc(2026, 3, 9, 9, 0))
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "P1 incidents (24×7)"
    # Fri 16:00–Sat 00:00 and Sun 00:00–Mon 09:00 on 24×7; on hold all Saturday.
    assert ticket.resolution_used == 8 * H + 33 * H
    assert ticket.response_used == 41 * H and ticket.response_due_at == utc(2026, 3, 9, 9, 0)
