"""ticket_rate: the requester's stars on the ticket and on its timeline."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, TicketEvent


def test_a_rating_is_stored_on_the_ticket_and_the_timeline_and_can_change(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    now = timezone.now() + timedelta(hours=1)
    services.ticket_rate(ticket=ticket, actor=alice, rating=2, comment=" Slow ", now=now)
    services.ticket_rate(ticket=ticket, actor=alice, rating=4, comment="Fine after all")
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "Fine after all")
    rated = list(TicketEvent.objects.filter(ticket=ticket, action="rated").order_by("id")
                 .values_list("actor", "new_value", "message"))
    assert rated == [(alice.pk, "2/5", "Slow"), (alice.pk, "4/5", "Fine after all")]
    assert TicketEvent.objects.filter(ticket=ticket, action="rated").order_by("id")[0].at == now
