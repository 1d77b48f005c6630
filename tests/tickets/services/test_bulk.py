"""tickets_bulk_update: one change to many tickets, each done or skipped with its reason."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, TicketEvent


def test_each_ticket_is_done_or_skipped_with_the_reason(alice, dee, dan):
    first, second = make_ticket(alice), make_ticket(alice)
    services.ticket_transition(ticket=second, actor=dee, to=Status.CANCELLED)
    result = services.tickets_bulk_update(tickets=[first, second], actor=dee, assignee=dan,
                                          status=Status.IN_PROGRESS)
    assert result.done == [first.ref]
    assert list(result.skipped) == [second.ref]
    assert result.skipped[second.ref] == f"{second.ref} is Cancelled and can no longer be changed."
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.assignee, first.status) == (dan, Status.IN_PROGRESS)
    assert (second.assignee, second.status) == (None, Status.CANCELLED)
    # The skipped ticket keeps nothing of the half-applied change.
    assert not TicketEvent.objects.filter(ticket=second, action="changed").exists()
    assert TicketEvent.objects.filter(ticket=first, action="changed", field="assignee",
                                      new_value=str(dan)).count() == 1


def test_unassign_clears_the_assignee(alice, dee):
    ticket = make_ticket(alice, assignee=dee)
    result = services.tickets_bulk_update(tickets=[ticket], actor=dee, unassign=True)
    assert result.done == [ticket.ref] and result.skipped == {}
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_end_users_cannot_bulk_update(alice):
    ticket = make_ticket(alice)
    with pytest.raises(PermissionDenied):
        services.tickets_bulk_update(tickets=[ticket], actor=alice, status=Status.CANCELLED)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_tickets_already_as_asked_are_unchanged_and_not_written(alice, dee):
    mine, other = make_ticket(alice, assignee=dee), make_ticket(alice)
    events = TicketEvent.objects.filter(ticket=mine).count()
    result = services.tickets_bulk_update(tickets=[mine, other], actor=dee, assignee=dee)
    assert result.done == [other.ref] and result.unchanged == [mine.ref]
    assert TicketEvent.objects.filter(ticket=mine).count() == events  # no event, no mail
    other.refresh_from_db()
    again = services.tickets_bulk_update(tickets=[mine, other], actor=dee, assignee=dee,
                                         status=Status.NEW)
    assert again.done == [] and again.unchanged == [mine.ref, other.ref]
