"""The ticket API shows the SLA the desk shows: deadlines, time used and target, paused,
warned and breached — from the same logic as the desk's badge and panel."""

from datetime import UTC, datetime

import time_machine

from tests.factories import make_ticket
from tests.tickets.api.helpers import api, url
from tickets import services
from tickets.models import Level, Status
from tickets.web import sla


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def _ticket(user):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):  # a Monday, P3
        return make_ticket(user, impact=Level.MEDIUM, urgency=Level.MEDIUM)


def test_detail_and_list_carry_the_deadlines_and_the_desk_state(alice, dee):
    ticket = _ticket(alice)
    with time_machine.travel(utc(2026, 3, 9, 12, 15), tick=False):  # at risk: 45 min left
        detail = api(dee).get(url(ticket)).json()["sla"]
        listed = api(dee).get(url()).json()["results"][0]["sla"]
    assert detail["policy"] == ticket.sla_policy_id is not None
    assert detail["state"] == listed["state"] == sla.badge(ticket, utc(2026, 3, 9, 12, 15)).state
    assert detail["state"] == "warning" and detail["paused"] is False
    response = detail["response"]
    assert response["due_at"] == ticket.response_due_at.isoformat().replace("+00:00", "Z")
    assert response["target_seconds"] == int(ticket.response_target.total_seconds())
    assert response["used_seconds"] == 3 * 3600 + 15 * 60
    assert response["outcome"] == "at risk" and response["breached"] is None
    assert detail["resolution"]["due_at"] == listed["resolution"]["due_at"]
    assert {k: v for k, v in detail["response"].items()
            if k not in ("used_seconds", "percent", "outcome")} == listed["response"]


def test_a_waiting_ticket_reads_paused_and_a_late_one_breached(alice, dee):
    ticket = _ticket(alice)
    with time_machine.travel(utc(2026, 3, 9, 9, 30), tick=False):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.WAITING)
        body = api(dee).get(url(ticket)).json()["sla"]
    assert body["paused"] is True and body["state"] == "paused"
    other = _ticket(alice)
    with time_machine.travel(utc(2026, 3, 10, 17, 0), tick=False):
        body = api(alice).get(url(other)).json()["sla"]
    assert body["state"] == "breached" and body["response"]["outcome"] == "breached"
