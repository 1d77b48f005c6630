"""SLA clocks with a moved clock (time-machine): deadlines, pauses, changes, outcomes.

The default policies (migration 0005) apply: P3 incidents respond in 4 h and resolve in
24 h of "Office hours" (Mon–Fri 09:00–17:00 UTC); P1 incidents 15 min / 4 h on 24×7;
P2 incidents 1 h / 8 h office hours. 2 March 2026 is a Monday.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import make_ticket
from tickets import services
from tickets.models import Kind, Level, Status, Ticket, TicketEvent

H = timedelta(hours=1)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def p3(user, **kwargs):
    return make_ticket(user, impact=Level.MEDIUM, urgency=Level.MEDIUM, **kwargs)


def test_a_ticket_filed_on_saturday_starts_its_clock_on_monday(alice):
    with time_machine.travel(utc(2026, 3, 7, 10, 0), tick=False):
        ticket = p3(alice)
    assert ticket.sla_policy.name == "P3 incidents"
    assert ticket.response_due_at == utc(2026, 3, 9, 13, 0)
    assert ticket.resolution_due_at == utc(2026, 3, 11, 17, 0)
    assert ticket.next_due_at == ticket.response_due_at
    assert ticket.response_warn_at == utc(2026, 3, 9, 12, 0)  # 75 % of 4 h


def test_a_new_ticket_gets_one_timeline_entry_with_its_policy_and_deadlines(alice, dee):
    with time_machine.travel(utc(2026, 3, 7, 10, 0), tick=False):
        ticket = p3(alice)
    (entry,) = ticket.events.filter(action="sla")
    assert entry.field == "sla_policy" and entry.new_value == "P3 incidents"
    assert entry.is_internal
    assert entry.message.endswith("First response due Mon 09 Mar 13:00; "
                                  "resolution due Wed 11 Mar 17:00.")
    with time_machine.travel(utc(2026, 3, 9, 11, 0), tick=False):  # later: an entry each
        services.ticket_update(ticket=ticket, actor=dee, impact=Level.HIGH, urgency=Level.HIGH)
    fields = set(ticket.events.filter(action="sla").values_list("field", flat=True))
    assert {"sla_policy", "response_due_at", "resolution_due_at"} <= fields


def test_waiting_on_the_customer_pauses_the_clock_over_the_weekend(alice, dee):
    with time_machine.travel(utc(2026, 3, 6, 9, 0), tick=False):
        ticket = p3(alice)
    with time_machine.travel(utc(2026, 3, 6, 12, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.WAITING)
    ticket.refresh_from_db()
    assert (ticket.resolution_due_at, ticket.next_due_at, ticket.sla_running_since) == (
        None, None, None)
    assert ticket.resolution_used == 3 * H
    with time_machine.travel(utc(2026, 3, 10, 9, 0), tick=False):
        services.comment_add(ticket=ticket, actor=alice, body="Here is the log you wanted")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.response_due_at == utc(2026, 3, 10, 10, 0)
    assert ticket.resolution_due_at == utc(2026, 3, 12, 14, 0)  # 21 h left: Tue, Wed, Thu 5 h
    messages = list(ticket.events.filter(action="sla").values_list("message", flat=True))
    assert any(m.startswith("Clock paused: Waiting on customer") for m in messages)
    assert any(m.startswith("Clock running again") for m in messages)


def test_a_priority_change_mid_way_keeps_the_time_already_used(alice, dee):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        ticket = p3(alice)
    with time_machine.travel(utc(2026, 3, 9, 11, 0), tick=False):
        services.ticket_update(ticket=ticket, actor=dee, impact=Level.HIGH, urgency=Level.HIGH)
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "P1 incidents (24×7)"
    assert ticket.resolution_used == 2 * H
    assert ticket.resolution_due_at == utc(2026, 3, 9, 13, 0)  # 4 h target − 2 h used
    assert ticket.response_due_at == utc(2026, 3, 9, 11, 0)  # 15 min target already used up
    sla_events = ticket.events.filter(action="sla", field="resolution_due_at")
    assert "priority P3 Medium → P1 Critical" in sla_events.last().message


def test_a_policy_change_while_paused_loses_no_pause_time(alice, dee):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        ticket = p3(alice)
    with time_machine.travel(utc(2026, 3, 9, 10, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.ON_HOLD)
    with time_machine.travel(utc(2026, 3, 9, 15, 0), tick=False):
        services.ticket_update(ticket=ticket, actor=dee, impact=Level.HIGH, urgency=Level.MEDIUM)
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "P2 incidents"
    assert ticket.resolution_due_at is None  # still paused
    with time_machine.travel(utc(2026, 3, 10, 9, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.IN_PROGRESS)
    ticket.refresh_from_db()
    assert ticket.resolution_used == H
    assert ticket.resolution_due_at == utc(2026, 3, 10, 16, 0)  # 8 h − 1 h


def test_reopening_continues_from_the_time_used_before_resolution(alice, dee):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        ticket = p3(alice)
    with time_machine.travel(utc(2026, 3, 9, 10, 0), tick=False):
        services.comment_add(ticket=ticket, actor=dee, body="Looking into it")
    with time_machine.travel(utc(2026, 3, 9, 12, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    ticket.refresh_from_db()
    assert (ticket.response_breached, ticket.resolution_breached) == (False, False)
    assert ticket.resolution_due_at is None
    with time_machine.travel(utc(2026, 3, 10, 9, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=alice, to=Status.IN_PROGRESS,
                                   note="It is back")
    ticket.refresh_from_db()
    assert ticket.resolution_used == 3 * H
    assert ticket.resolution_breached is None
    assert ticket.resolution_due_at == utc(2026, 3, 12, 14, 0)
    assert ticket.response_due_at is None  # the first response was given


def test_a_late_first_response_is_recorded_as_breached(alice, dee):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        ticket = p3(alice)
    with time_machine.travel(utc(2026, 3, 9, 14, 0), tick=False):
        services.comment_add(ticket=ticket, actor=dee, body="Sorry for the wait")
    ticket.refresh_from_db()
    assert ticket.response_breached is True
    assert ticket.response_used == 5 * H
    assert ticket.next_due_at == ticket.resolution_due_at


def test_an_internal_note_is_not_a_first_response(alice, dee):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        ticket = p3(alice)
    with time_machine.travel(utc(2026, 3, 9, 10, 0), tick=False):
        services.comment_add(ticket=ticket, actor=dee, body="checking logs", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.response_due_at == utc(2026, 3, 9, 13, 0)


def test_tickets_no_policy_matches_have_no_deadlines(alice):
    ticket = make_ticket(alice, kind=Kind.PROBLEM)
    assert ticket.sla_policy is None
    assert ticket.next_due_at is None


def test_a_routine_change_does_not_move_the_deadline(alice, dee):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        ticket = p3(alice)
    due = ticket.resolution_due_at
    with time_machine.travel(utc(2026, 3, 9, 16, 30), tick=False):
        services.time_log(ticket=ticket, actor=dee, minutes=20)
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == due
    assert ticket.resolution_used == 7.5 * H
    assert not TicketEvent.objects.filter(ticket=ticket, message__contains="time logged").exists()


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CANCELLED])
def test_done_tickets_leave_the_due_queue(alice, dee, status):
    ticket = p3(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=status)
    assert Ticket.objects.filter(pk=ticket.pk, next_due_at__isnull=True).exists()
