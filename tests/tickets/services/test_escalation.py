"""ticket_escalate: what an escalation rule does to one ticket, on its timeline."""

from django.utils import timezone

from tests.factories import TeamFactory, make_ticket
from tickets import services
from tickets.models import EscalationRule, Priority, TicketEvent


def test_a_rule_reassigns_the_team_drops_a_foreign_assignee_and_raises_priority(alice, dee):
    other = TeamFactory(name="Network")
    rule = EscalationRule.objects.create(name="Breach to network", trigger="resolution_breach",
                                         reassign_team=other, raise_priority=True)
    ticket = make_ticket(alice, assignee=dee)
    before = ticket.priority
    now = timezone.now()
    escalated = services.ticket_escalate(ticket=ticket, rule=rule, label="Resolution breached",
                                         now=now)
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee, ticket.priority) == (other, None, before - 1)
    assert escalated.version == ticket.version
    changed = list(TicketEvent.objects.filter(ticket=ticket, action="changed")
                   .values_list("field", "new_value", "at"))
    assert changed == [("team", "Network", now), ("assignee", "", now),
                       ("priority", Priority(before - 1).label, now)]


def test_a_rule_with_nothing_left_to_do_writes_nothing(alice, team):
    rule = EscalationRule.objects.create(name="Stay", trigger="resolution_breach",
                                         reassign_team=team, raise_priority=False)
    ticket = make_ticket(alice, team=team)
    version = ticket.version
    services.ticket_escalate(ticket=ticket, rule=rule, label="Resolution breached")
    ticket.refresh_from_db()
    assert ticket.version == version
    assert not TicketEvent.objects.filter(ticket=ticket, action="changed").exists()
