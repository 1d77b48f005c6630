"""Filing, triage, status moves, stale edits and the timeline: tickets.services.ticket."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_ticket
from tickets import services
from tickets.models import Kind, Level, PriorityRule, Status, TicketEvent


def test_it_numbers_tickets_per_kind(alice):
    # Numbers come from a sequence on Postgres, which a test's rollback does not rewind:
    # assert the order, not the absolute values.
    first = make_ticket(alice)
    request = make_ticket(alice, kind=Kind.REQUEST)
    second = make_ticket(alice)
    assert second.number == first.number + 1
    assert (first.ref, request.ref) == (f"INC-{first.number}", f"REQ-{request.number}")


def test_it_takes_priority_from_the_matrix_an_admin_can_change(alice):
    assert make_ticket(alice, impact=Level.HIGH, urgency=Level.HIGH).priority == 1
    assert make_ticket(alice, impact=Level.LOW, urgency=Level.LOW).priority == 4
    rule = PriorityRule.objects.get(impact=Level.LOW, urgency=Level.LOW)
    rule.priority = 3
    rule.save()  # as the admin does: every process follows (itsm.performance.config_cache)
    assert make_ticket(alice, impact=Level.LOW, urgency=Level.LOW).priority == 3


def test_a_ticket_no_rule_routes_lands_in_the_triage_team(alice, dee, team, settings):
    settings.TEND_TRIAGE_TEAM = team.name
    ticket = make_ticket(alice, title="Not sure what this is")  # no category, no service
    assert ticket.team == team


def test_the_triage_team_is_made_on_first_use_and_follows_the_setting(alice, settings):
    from itsm.models import Team

    settings.TEND_TRIAGE_TEAM = "Front Line"
    ticket = make_ticket(alice)
    assert ticket.team == Team.objects.get(name="Front Line")
    assert make_ticket(alice).team == ticket.team  # made once


def test_a_ticket_assigned_on_filing_lands_in_the_assignees_team(alice, dan, settings):
    from tests.factories import TeamFactory

    network = TeamFactory(name="Network")
    network.members.add(dan)
    settings.TEND_TRIAGE_TEAM = "Front Line"
    assert make_ticket(alice, assignee=dan).team == network


def test_every_new_ticket_appears_in_a_dse_queue(client_for, alice, dee, team, settings):
    from django.urls import reverse

    settings.TEND_TRIAGE_TEAM = team.name
    ticket = make_ticket(alice, title="Not sure")
    response = client_for(dee).get(reverse("desk:queue"), {"view": "unassigned"})
    assert ticket.ref in [row.ref for row in response.context["tickets"]]


def test_it_routes_to_the_category_team_and_mails_requester_and_team(
        alice, dee, category, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(alice, category=category)
    assert ticket.team == category.default_team
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["alice@example.com", "dee@example.com"]


def test_first_public_reply_of_a_dse_stamps_first_response_and_starts_work(alice, dee):
    ticket = make_ticket(alice)
    services.comment_add(ticket=ticket, actor=dee, body="Looking", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    services.comment_add(ticket=ticket, actor=dee, body="On my way")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Status.IN_PROGRESS


def test_requester_reply_moves_waiting_back_to_in_progress(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.WAITING)
    services.comment_add(ticket=ticket, actor=alice, body="Here is the log")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_lifecycle_resolve_reopen_resolve_confirm(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED, note="Fixed")
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    with pytest.raises(ValidationError) as error:
        services.ticket_transition(ticket=ticket, actor=alice, to=Status.IN_PROGRESS)
    assert "note" in error.value.message_dict
    services.ticket_transition(ticket=ticket, actor=alice, to=Status.IN_PROGRESS,
                               note="Still broken")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count, ticket.resolved_at) == (Status.IN_PROGRESS, 1,
                                                                        None)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=alice, to=Status.CLOSED)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    with pytest.raises(ValidationError):
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.IN_PROGRESS)


def test_an_end_user_cannot_resolve_or_touch_anothers_ticket(alice, bob):
    ticket = make_ticket(alice)
    with pytest.raises(ValidationError):
        services.ticket_transition(ticket=ticket, actor=alice, to=Status.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.ticket_transition(ticket=ticket, actor=bob, to=Status.CANCELLED)
    with pytest.raises(PermissionDenied):
        services.comment_add(ticket=ticket, actor=bob, body="hi")
    with pytest.raises(PermissionDenied):
        services.comment_add(ticket=ticket, actor=alice, body="hi", internal=True)


def test_a_stale_edit_is_refused_and_says_what_changed(alice, dee, dan):
    ticket = make_ticket(alice)
    seen_version = ticket.version
    services.ticket_update(ticket=ticket, actor=dee, version=seen_version, assignee=dee)
    with pytest.raises(services.TicketConflict) as conflict:
        services.ticket_update(ticket=ticket, actor=dan, version=seen_version, assignee=dan)
    assert [e.field for e in conflict.value.events] == ["assignee"]
    ticket.refresh_from_db()
    assert ticket.assignee == dee


def test_every_change_lands_on_the_immutable_timeline(alice, dee):
    ticket = make_ticket(alice)
    services.ticket_update(ticket=ticket, actor=dee, impact=Level.HIGH, urgency=Level.HIGH)
    changes = {(e.field, e.old_value, e.new_value)
               for e in TicketEvent.objects.filter(ticket=ticket, action="changed")}
    assert ("priority", "P3 Medium", "P1 Critical") in changes
    event = TicketEvent.objects.filter(ticket=ticket).first()
    event.message = "tampered"
    with pytest.raises(Exception, match="cannot be changed"):
        event.save()


def test_rating_is_for_the_requester_once_resolved(alice, bob, dee):
    ticket = make_ticket(alice)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, actor=alice, rating=5)
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.ticket_rate(ticket=ticket, actor=bob, rating=5)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, actor=alice, rating=6)
    services.ticket_rate(ticket=ticket, actor=alice, rating=4, comment="Quick")
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "Quick")
