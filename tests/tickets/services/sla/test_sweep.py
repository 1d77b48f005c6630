"""The SLA sweep: each warning and breach exactly once, escalations, held notices."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from tests.concurrency import at_once
from tests.factories import TeamFactory, UserFactory, make_ticket
from tests.waiting import real_worker, wait_for
from tickets.models import Escalation, EscalationRule, Level, Ticket, TicketEvent
from tickets.models.sla import Trigger
from tickets.services.sla import sweep as sla_sweep
from tickets.services.sla.notices import escalations_send


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def p3_at(moment, user, **kwargs):
    with time_machine.travel(moment, tick=False):
        return make_ticket(user, impact=Level.MEDIUM, urgency=Level.MEDIUM, **kwargs)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sla_sweep.sla_sweep()


def test_a_sweep_with_nothing_due_marks_nothing(alice):
    p3_at(utc(2026, 3, 9, 9, 0), alice)
    counts = sweep_at(utc(2026, 3, 9, 10, 0))
    assert set(counts.values()) == {0}


def test_each_warning_and_breach_is_marked_once_however_often_the_sweep_runs(alice):
    ticket = p3_at(utc(2026, 3, 9, 9, 0), alice)
    assert sweep_at(utc(2026, 3, 9, 12, 30))[Trigger.RESPONSE_WARNING] == 1
    assert sweep_at(utc(2026, 3, 9, 12, 31))[Trigger.RESPONSE_WARNING] == 0
    counts = sweep_at(utc(2026, 3, 9, 13, 1))
    assert (counts[Trigger.RESPONSE_WARNING], counts[Trigger.RESPONSE_BREACH]) == (0, 1)
    sweep_at(utc(2026, 3, 9, 13, 2))
    ticket.refresh_from_db()
    assert ticket.response_warned_at == utc(2026, 3, 9, 12, 30)
    assert ticket.response_breached_at == utc(2026, 3, 9, 13, 1)
    labels = list(TicketEvent.objects.filter(ticket=ticket, field__endswith="ed_at")
                  .values_list("message", flat=True))
    assert labels == ["First response at risk", "First response target breached"]


def test_a_sweep_that_dies_mid_run_is_caught_up_by_the_next(alice, monkeypatch):
    tickets = [p3_at(utc(2026, 3, 9, 9, 0), alice) for _ in range(3)]
    EscalationRule.objects.create(name="tell", trigger=Trigger.RESPONSE_WARNING)

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(sla_sweep, "_escalate", crash)
        with pytest.raises(RuntimeError):
            sweep_at(utc(2026, 3, 9, 12, 30))
    assert not Ticket.objects.filter(response_warned_at__isnull=False).exists()
    assert sweep_at(utc(2026, 3, 9, 12, 31))[Trigger.RESPONSE_WARNING] == 3
    assert Escalation.objects.count() == 3
    assert sweep_at(utc(2026, 3, 9, 12, 32))[Trigger.RESPONSE_WARNING] == 0
    assert {t.pk for t in tickets} == set(Escalation.objects.values_list("ticket_id", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_mark_each_ticket_once(postgres, team):
    alice = UserFactory(username="alice", role="End user")
    for _ in range(60):
        p3_at(utc(2026, 3, 9, 9, 0), alice)
    results, errors = at_once(lambda: sla_sweep.sla_sweep(now=utc(2026, 3, 9, 12, 30), batch=7))
    assert not errors
    assert sum(r[Trigger.RESPONSE_WARNING] for r in results) == 60
    assert TicketEvent.objects.filter(field="response_warned_at").count() == 60


def test_escalations_raise_priority_and_notify_the_assignee(
        alice, dee, django_capture_on_commit_callbacks):
    ticket = p3_at(utc(2026, 3, 9, 9, 0), alice, assignee=dee)
    EscalationRule.objects.create(name="Breach raises", trigger=Trigger.RESPONSE_BREACH,
                                  notify_assignee=True, raise_priority=True,
                                  business_hours_only=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(utc(2026, 3, 9, 13, 5))
    ticket.refresh_from_db()
    assert ticket.priority == 2
    assert ticket.sla_policy.name == "P2 incidents"  # the new priority brings its own targets
    assert [m.to for m in mail.outbox] == [["dee@example.com"]]
    assert "First response breached" in mail.outbox[0].subject
    assert escalations_send() == 0  # nothing sent twice


def test_an_escalation_can_hand_the_ticket_to_another_team(
        alice, dee, django_capture_on_commit_callbacks):
    night_shift = TeamFactory(name="Night shift")
    nina = UserFactory(username="nina", role="DSE")
    night_shift.members.add(nina)
    ticket = p3_at(utc(2026, 3, 9, 9, 0), alice, assignee=dee)
    EscalationRule.objects.create(name="To night shift", trigger=Trigger.RESPONSE_BREACH,
                                  notify_assignee=False, notify_team=True,
                                  reassign_team=night_shift, business_hours_only=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(utc(2026, 3, 9, 13, 5))
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (night_shift, None)
    assert [m.to for m in mail.outbox] == [["nina@example.com"]]
    fields = set(ticket.events.filter(action="changed").values_list("field", flat=True))
    assert fields == {"team", "assignee"}


def test_business_hours_notices_are_held_until_the_calendar_opens(alice, dee):
    ticket = p3_at(utc(2026, 3, 13, 14, 0), alice, assignee=dee)  # a Friday
    EscalationRule.objects.create(name="Warn", trigger=Trigger.RESOLUTION_BREACH,
                                  business_hours_only=True)
    with time_machine.travel(utc(2026, 3, 20, 18, 0), tick=False):  # Friday evening
        Ticket.objects.filter(pk=ticket.pk).update(resolution_due_at=utc(2026, 3, 20, 17, 30))
        sla_sweep.sla_sweep()
    escalation = Escalation.objects.get()
    assert escalation.notify_after == utc(2026, 3, 23, 9, 0)
    mail.outbox.clear()
    with time_machine.travel(utc(2026, 3, 21, 3, 0), tick=False):
        assert escalations_send() == 0
    assert mail.outbox == []
    with time_machine.travel(utc(2026, 3, 23, 9, 1), tick=False):
        assert escalations_send() == 1
        assert escalations_send() == 0
    assert len(mail.outbox) == 1


def test_a_rule_only_fires_for_its_priorities_and_team(alice, dee, team):
    other = TeamFactory(name="Other")
    mine = p3_at(utc(2026, 3, 9, 9, 0), alice, team=team)
    p3_at(utc(2026, 3, 9, 9, 0), alice, team=other)
    EscalationRule.objects.create(name="desk only", trigger=Trigger.RESPONSE_WARNING, team=team,
                                  priorities=[3])
    EscalationRule.objects.create(name="P1 only", trigger=Trigger.RESPONSE_WARNING, priorities=[1])
    sweep_at(utc(2026, 3, 9, 12, 30))
    assert list(Escalation.objects.values_list("ticket_id", "rule__name")) == [
        (mine.pk, "desk only")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_on_redis_runs_the_sweep(redis_url, postgres, settings):
    from tickets.tasks import sla_sweep as sweep_task

    alice = UserFactory(username="alice", role="End user")
    ticket = p3_at(utc(2020, 3, 9, 9, 0), alice)  # long overdue by now
    marks = ("response_warned_at", "response_breached_at", "resolution_warned_at",
             "resolution_breached_at")

    def every_moment_marked():
        ticket.refresh_from_db()
        return all(getattr(ticket, mark) for mark in marks)

    with real_worker(redis_url):
        sweep_task.delay()
        wait_for(every_moment_marked)
    labels = list(TicketEvent.objects.filter(ticket=ticket, field__in=marks).order_by("id")
                  .values_list("message", flat=True))
    assert labels == ["First response at risk", "First response target breached",
                      "Resolution at risk", "Resolution target breached"]


def test_a_breach_marked_by_the_sweep_is_stored_as_breached(alice):
    ticket = p3_at(utc(2026, 3, 9, 9, 0), alice)
    sweep_at(utc(2026, 3, 9, 12, 30))  # a warning only
    ticket.refresh_from_db()
    assert ticket.response_warned_at and ticket.sla_breached is False
    sweep_at(utc(2026, 3, 9, 13, 5))
    ticket.refresh_from_db()
    assert ticket.response_breached_at and ticket.sla_breached is True
    assert Ticket.objects.filter(sla_breached=True).count() == 1


def test_the_postgres_sweep_stores_the_breach_too(postgres, alice):
    test_a_breach_marked_by_the_sweep_is_stored_as_breached(alice)
