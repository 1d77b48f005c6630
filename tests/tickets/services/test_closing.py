"""tickets_auto_close: resolved tickets close after TEND_AUTO_CLOSE_DAYS, once."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, TicketEvent


def test_only_tickets_resolved_long_enough_ago_close_and_only_once(alice, dee, settings):
    settings.TEND_AUTO_CLOSE_DAYS = 5
    old, recent, still_open = make_ticket(alice), make_ticket(alice), make_ticket(alice)
    services.ticket_transition(ticket=old, actor=dee, to=Status.RESOLVED)
    resolved_at = timezone.now()
    services.ticket_transition(ticket=recent, actor=dee, to=Status.RESOLVED,
                               now=resolved_at + timedelta(days=3))
    now = resolved_at + timedelta(days=5, minutes=1)
    assert services.tickets_auto_close(now=now) == 1
    assert services.tickets_auto_close(now=now) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert (old.status, old.closed_at, old.updated_at) == (Status.CLOSED, now, now)
    assert (recent.status, still_open.status) == (Status.RESOLVED, Status.NEW)
    event = TicketEvent.objects.filter(ticket=old).latest("id")
    assert (event.actor, event.action, event.old_value, event.new_value, event.at) == (
        None, "status", "Resolved", "Closed", now)
    assert event.message == "Closed automatically 5 days after resolution."
    assert event.version == old.version


def test_a_resolved_problem_waits_for_its_own_quiet_period(alice, dee, settings):
    """Problems close through problems_close_quiet (14 days), not after the 5 of tickets."""
    settings.TEND_AUTO_CLOSE_DAYS = 5
    problem = make_ticket(alice, kind="problem")
    services.ticket_transition(ticket=problem, actor=dee, to=Status.RESOLVED)
    assert services.tickets_auto_close(now=timezone.now() + timedelta(days=6)) == 0
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED
