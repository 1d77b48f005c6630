"""reconcile: a check's state decides its incident, idempotently, at the moment given."""

import pytest

from maintenance.models import MaintenanceWindow
from monitoring.models import Check, CheckIncident, State
from monitoring.services import incidents
from tests.monitoring.helpers import minute
from tickets.models import Kind, Level, Status, Ticket


@pytest.fixture
def down(make_check, service):
    check = make_check(kind="dns", target="localhost", service=service)
    Check.objects.filter(pk=check.pk).update(state=State.DOWN, state_since=minute(0),
                                             failing_since=minute(0))
    return check


def test_a_down_check_gets_one_incident_opened_at_the_moment_given(down):
    assert incidents.incident_reconcile(check_id=down.pk, now=minute(5)).startswith("opened INC-")
    assert incidents.incident_reconcile(check_id=down.pk, now=minute(6)) == "nothing"
    link = CheckIncident.objects.get(owner=down)
    assert (link.opened_at, link.down_since) == (minute(5), minute(0))
    assert Ticket.objects.filter(kind=Kind.INCIDENT).count() == 1


def test_the_incident_and_its_timeline_are_dated_at_the_moment_given(down):
    from tickets.models import TicketEvent

    # minute(5) lies in the past: a batch processed late, or a replayed history.
    incidents.incident_reconcile(check_id=down.pk, now=minute(5))
    ticket = CheckIncident.objects.get(owner=down).ticket
    assert ticket.created_at == minute(5)
    assert minute(5) < ticket.response_due_at < minute(5 + 7 * 24 * 60)
    Check.objects.filter(pk=down.pk).update(state=State.UP, state_since=minute(20))
    incidents.incident_reconcile(check_id=down.pk, now=minute(21))
    ticket.refresh_from_db()
    assert ticket.resolved_at == minute(21)
    moments = set(TicketEvent.objects.filter(ticket=ticket).values_list("at", flat=True))
    assert moments == {minute(5), minute(21)}


def test_recovery_resolves_the_incident(down):
    incidents.incident_reconcile(check_id=down.pk, now=minute(5))
    Check.objects.filter(pk=down.pk).update(state=State.UP, state_since=minute(20))
    outcome = incidents.incident_reconcile(check_id=down.pk, now=minute(21))
    assert outcome.startswith("resolved INC-")
    link = CheckIncident.objects.get(owner=down)
    assert link.recovered_at == minute(20) and link.ticket.status == Status.RESOLVED
    assert Check.objects.get(pk=down.pk).open_incident is None


def test_a_window_open_at_that_moment_suppresses_the_incident(down, service):
    MaintenanceWindow.objects.create(reason="Upgrade", starts_at=minute(0),
                                     ends_at=minute(30)).services.add(service)
    outcome = incidents.incident_reconcile(check_id=down.pk, now=minute(5))
    assert outcome == "suppressed by a maintenance window"
    assert incidents.incident_reconcile(check_id=down.pk, now=minute(31)).startswith("opened INC-")


def test_a_paused_check_needs_nothing(down):
    Check.objects.filter(pk=down.pk).update(paused=True)
    assert incidents.incident_reconcile(check_id=down.pk, now=minute(5)) == "nothing"
    check = Check.objects.get(pk=down.pk)
    assert not incidents.incident_reconcile_needed(check=check, now=minute(5))


def test_a_twenty_second_outage_reads_twenty_seconds_on_the_timeline(down):
    from datetime import timedelta

    from tickets.models import TicketEvent

    incidents.incident_reconcile(check_id=down.pk, now=minute(0) + timedelta(seconds=1))
    # Planned slots are not whole seconds apart: 19.8 s used to read "19 s".
    Check.objects.filter(pk=down.pk).update(
        state=State.UP, state_since=minute(0) + timedelta(seconds=19, microseconds=800_000))
    incidents.incident_reconcile(check_id=down.pk, now=minute(1))
    link = CheckIncident.objects.get(owner=down)
    messages = TicketEvent.objects.filter(ticket=link.ticket).values_list("message", flat=True)
    assert any("after 20 s of downtime" in message for message in messages), list(messages)


@pytest.mark.parametrize(("priority", "impact", "urgency"), [
    (1, Level.HIGH, Level.HIGH), (2, Level.HIGH, Level.MEDIUM),
    (3, Level.HIGH, Level.LOW), (4, Level.MEDIUM, Level.LOW)])
def test_an_incident_has_the_impact_and_urgency_of_its_priority(down, priority, impact,
                                                                 urgency):
    Check.objects.filter(pk=down.pk).update(priority=priority)
    incidents.incident_reconcile(check_id=down.pk, now=minute(5))
    ticket = CheckIncident.objects.get(owner=down).ticket
    assert (ticket.priority, ticket.impact, ticket.urgency) == (priority, impact, urgency)


def test_raising_the_urgency_of_a_p1_incident_keeps_it_p1(down, dee):
    from tickets import services as ticket_services

    Check.objects.filter(pk=down.pk).update(priority=1)
    incidents.incident_reconcile(check_id=down.pk, now=minute(5))
    ticket = CheckIncident.objects.get(owner=down).ticket
    # Editing one of the two recomputes the priority from both (the matrix).
    ticket = ticket_services.ticket_update(ticket=ticket, actor=dee, urgency=Level.HIGH)
    assert ticket.priority == 1
