"""The desk's SLA views: time left per row, sort by due, at risk and breached, counters."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services
from tickets.models import Level, Status


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def make(user, title, hour, **kwargs):
    with time_machine.travel(utc(2026, 3, 9, hour, 0), tick=False):
        return make_ticket(user, title=title, impact=Level.MEDIUM, urgency=Level.MEDIUM,
                           **kwargs)


def page(client, view, moment):
    with time_machine.travel(moment, tick=False):
        return client.get(reverse("desk:queue"), {"view": view})


def test_at_risk_and_breached_views_split_by_the_clock(client_for, alice, dee, team):
    early = make(alice, "Early bird", 9, team=team)  # response due 13:00, warning 12:00
    late = make(alice, "Latecomer", 11, team=team)  # response due 15:00, warning 14:00
    client = client_for(dee)
    at_1230 = page(client, "at_risk", utc(2026, 3, 9, 12, 30)).content.decode()
    assert early.title in at_1230 and late.title not in at_1230
    at_1430 = page(client, "at_risk", utc(2026, 3, 9, 14, 30)).content.decode()
    assert late.title in at_1430 and early.title not in at_1430
    breached = page(client, "breached", utc(2026, 3, 9, 14, 30))
    body = breached.content.decode()
    assert early.title in body and late.title not in body
    assert "Breached 1 h 30 min ago" in body
    assert breached.context["counters"]["breached"] == "1"
    assert breached.context["counters"]["at_risk"] == "1"


def test_a_paused_ticket_that_breached_stays_in_the_breached_view(client_for, alice, dee, team):
    ticket = make(alice, "Waiting one", 9, team=team)
    with time_machine.travel(utc(2026, 3, 9, 14, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.WAITING)
    body = page(client_for(dee), "breached", utc(2026, 3, 9, 15, 0)).content.decode()
    assert "Waiting one" in body and "Paused" in body


def test_rows_sort_by_the_next_deadline(client_for, alice, dee, team):
    make(alice, "Second due", 11, team=team)
    make(alice, "First due", 9, team=team)
    with time_machine.travel(utc(2026, 3, 9, 11, 30), tick=False):
        response = client_for(dee).get(reverse("desk:queue"), {"view": "open", "sort": "due"})
    titles = [t.title for t in response.context["tickets"]]
    assert titles == ["First due", "Second due"]
    assert "1 h 30 min left" in response.content.decode()
