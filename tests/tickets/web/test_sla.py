"""The SLA panel and badges shown on pages: time left, paused, breached."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.template import Context, Template

from tests.factories import make_ticket
from tickets import services
from tickets.models import Level, Status
from tickets.web import sla


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def p3_monday(user):
    with time_machine.travel(utc(2026, 3, 9, 9, 0), tick=False):
        return make_ticket(user, impact=Level.MEDIUM, urgency=Level.MEDIUM)


def test_the_badge_reads_time_left_then_at_risk_then_breached(alice):
    ticket = p3_monday(alice)
    assert sla.badge(ticket, utc(2026, 3, 9, 10, 0)).text == "3 h left"
    at_risk = sla.badge(ticket, utc(2026, 3, 9, 12, 15))
    assert (at_risk.state, at_risk.text) == ("warning", "45 min left")
    breached = sla.badge(ticket, utc(2026, 3, 9, 15, 0))
    assert (breached.state, breached.text) == ("breached", "Breached 2 h ago")


def test_a_paused_ticket_says_paused(alice, dee):
    ticket = p3_monday(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.WAITING)
    ticket.refresh_from_db()
    assert sla.badge(ticket).state == "paused"


def test_the_panel_shows_time_used_live_and_the_reasons(alice, dee):
    ticket = p3_monday(alice)
    with time_machine.travel(utc(2026, 3, 9, 11, 0), tick=False):
        services.ticket_update(ticket=ticket, actor=dee, impact=Level.HIGH)
    ticket.refresh_from_db()
    panel = sla.panel(ticket, utc(2026, 3, 9, 12, 0))
    response, resolution = panel["rows"]
    assert response.used == timedelta(hours=3)
    assert panel["policy"].name == "P2 incidents"
    html = Template("{% include 'partials/sla_panel.html' %}").render(Context({"sla": panel}))
    assert "P2 incidents" in html and "priority P3 Medium → P2 High" in html
