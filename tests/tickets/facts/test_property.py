"""Property: after any sequence of service calls, the maintained report facts (and, once
folded, their month rollups) equal a rebuild from the tickets (Hypothesis draws the
sequences; each runs in a transaction that is rolled back, on the fixtures' people, teams
and services)."""

import contextlib
import os
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CategoryFactory, ServiceFactory, TeamFactory, make_ticket
from tickets import services
from tickets.models import EscalationRule, Kind, Level, Priority, Status, Ticket
from tickets.models.sla import Trigger
from tickets.services.fold import facts_fold
from tickets.services.sla.sweep import sla_sweep

from .helpers import fact_rows, month_rows, months_of_folded_days, rebuilt_rows

ACTIONS = ("file", "file", "reply", "answer", "note", "resolve", "resolve", "reopen", "close",
           "cancel", "wait", "priority", "team", "service", "category", "assignee", "sweep",
           "rate", "log", "auto_close", "fold")
STEPS = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1_000),
                           st.integers(1, 3 * 24 * 60)), min_size=1, max_size=30)
EXAMPLES = int(os.environ.get("TEND_FACTS_EXAMPLES", "40"))
REFUSED = (ValidationError, PermissionDenied, services.TicketConflict)


@pytest.fixture
def world(alice, bob, dee, dan, team):
    other = TeamFactory(name="Network")
    other.members.add(dee, dan)
    # A breach moves the ticket and raises its priority: the sweep's escalations too.
    EscalationRule.objects.create(name="Move on breach", trigger=Trigger.RESPONSE_BREACH,
                                  reassign_team=other, raise_priority=True,
                                  notify_assignee=False)
    return {"requesters": [alice, bob], "agents": [dee, dan], "teams": [team, other],
            "services": [None, ServiceFactory(name="Email", owner_team=team),
                         ServiceFactory(name="VPN", owner_team=other)],
            "categories": [None, CategoryFactory(name="Hardware")]}


def _pick(options, seed: int):
    return options[seed % len(options)]


def _play(world: dict, tickets: list[int], action: str, seed: int, now: datetime):
    if action == "file" or not tickets:
        ticket = make_ticket(
            _pick(world["requesters"], seed), now=now, kind=_pick(Kind.values, seed // 3),
            team=_pick([None, *world["teams"]], seed // 7),
            service=_pick(world["services"], seed // 11),
            category=_pick(world["categories"], seed // 13),
            impact=_pick(Level.values, seed // 17), urgency=_pick(Level.values, seed // 19),
            assignee=_pick([None, *world["agents"]], seed // 23))
        tickets.append(ticket.pk)
        return
    ticket = Ticket.objects.get(pk=_pick(tickets, seed))
    agent = _pick(world["agents"], seed // 5)
    later = {"sweep": timedelta(hours=seed % 200),
             "auto_close": timedelta(days=seed % 12)}.get(action, timedelta(0))
    calls = {
        "reply": lambda: services.comment_add(ticket=ticket, actor=agent, body="On it",
                                              now=now),
        "answer": lambda: services.comment_add(ticket=ticket, actor=ticket.requester,
                                               body="Thanks", now=now),
        "note": lambda: services.comment_add(ticket=ticket, actor=agent, body="Hm",
                                             internal=True, now=now),
        "resolve": lambda: services.ticket_transition(ticket=ticket, actor=agent,
                                                      to=Status.RESOLVED, note="Fixed"
                                                      if seed % 2 else "", now=now),
        "reopen": lambda: services.ticket_transition(ticket=ticket, actor=ticket.requester,
                                                     to=Status.IN_PROGRESS, note="Again",
                                                     now=now),
        "close": lambda: services.ticket_transition(ticket=ticket, actor=agent,
                                                    to=Status.CLOSED, now=now),
        "cancel": lambda: services.ticket_transition(ticket=ticket, actor=ticket.requester,
                                                     to=Status.CANCELLED, now=now),
        "wait": lambda: services.ticket_transition(ticket=ticket, actor=agent,
                                                   to=Status.WAITING, now=now),
        "priority": lambda: services.ticket_update(ticket=ticket, actor=agent, now=now,
                                                   priority=_pick(Priority.values, seed)),
        "team": lambda: services.ticket_update(ticket=ticket, actor=agent, now=now,
                                               team=_pick(world["teams"], seed)),
        "service": lambda: services.ticket_update(ticket=ticket, actor=agent, now=now,
                                                  service=_pick(world["services"], seed)),
        "category": lambda: services.ticket_update(ticket=ticket, actor=agent, now=now,
                                                   category=_pick(world["categories"], seed)),
        "assignee": lambda: services.ticket_update(ticket=ticket, actor=agent, now=now,
                                                   assignee=_pick([None, *world["agents"]],
                                                                  seed)),
        "sweep": lambda: sla_sweep(now=now + later),
        "rate": lambda: services.ticket_rate(ticket=ticket, actor=ticket.requester,
                                             rating=1 + seed % 5, now=now),
        "log": lambda: services.time_log(ticket=ticket, actor=agent, minutes=1 + seed % 90,
                                         now=now),
        "auto_close": lambda: services.tickets_auto_close(now=now + later),
        "fold": lambda: facts_fold(),
    }
    with contextlib.suppress(*REFUSED):  # a refused move changes nothing, facts included
        calls[action]()
    return later


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_maintained_facts_always_equal_a_rebuild(world, steps):
    with transaction.atomic():
        now = timezone.make_aware(datetime(2026, 3, 2, 8, 0))
        tickets: list[int] = []
        for action, seed, minutes in steps:
            now += timedelta(minutes=minutes)
            now += _play(world, tickets, action, seed, now) or timedelta(0)
        # The month rollups always equal the folded day rows of their months, between
        # folds too (rows appended since are read from the day rows).
        assert month_rows() == months_of_folded_days()
        maintained = fact_rows()
        facts_fold()
        maintained_months = month_rows()
        assert maintained == rebuilt_rows()
        assert maintained_months == month_rows()
        transaction.set_rollback(True)
