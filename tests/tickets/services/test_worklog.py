"""time_log: a time entry and an internal timeline entry, for engineers only."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_ticket
from tickets import services
from tickets.models import TicketEvent, TimeEntry


def test_logged_time_is_a_row_and_an_internal_timeline_entry(alice, dee):
    ticket = make_ticket(alice)
    now = timezone.now() + timedelta(hours=1)
    entry = services.time_log(ticket=ticket, actor=dee, minutes=25, note="Swapped the drum",
                              now=now)
    assert (entry.user, entry.minutes, entry.note, entry.created_at) == (
        dee, 25, "Swapped the drum", now)
    event = TicketEvent.objects.get(ticket=ticket, action="time")
    assert (event.actor, event.new_value, event.message, event.is_internal, event.at) == (
        dee, "25 min", "Swapped the drum", True, now)
    ticket.refresh_from_db()
    assert ticket.version == event.version


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, "10"])
def test_minutes_outside_a_day_are_refused(alice, dee, minutes):
    ticket = make_ticket(alice)
    with pytest.raises(ValidationError) as error:
        services.time_log(ticket=ticket, actor=dee, minutes=minutes)
    assert list(error.value.message_dict) == ["minutes"]
    assert not TimeEntry.objects.exists()


def test_end_users_cannot_log_time(alice):
    ticket = make_ticket(alice)
    with pytest.raises(PermissionDenied):
        services.time_log(ticket=ticket, actor=alice, minutes=5)
    assert not TimeEntry.objects.exists()


def test_the_desk_total_adds_every_entry(alice, dee, dan):
    from tickets.selectors import minutes_logged

    ticket = make_ticket(alice)
    assert minutes_logged(ticket) == 0
    services.time_log(ticket=ticket, actor=dee, minutes=25)
    services.time_log(ticket=ticket, actor=dan, minutes=10)
    assert minutes_logged(ticket) == 35
