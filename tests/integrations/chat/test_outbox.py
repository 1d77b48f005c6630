"""The chat outbox: which channels hear an event (team, events, priorities), quiet hours
from the business calendar with a moved clock, and messages that live and die with the
change they tell of."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import transaction

from integrations.models import ChatMessage, MessageStatus
from integrations.services.chat.sending import chat_messages_dispatch
from itsm import events
from itsm.models import BusinessCalendar, WorkingPeriod
from tests.factories import TeamFactory, make_ticket
from tickets.models import SlaPolicy

pytestmark = pytest.mark.django_db
SATURDAY = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
MONDAY_OPEN = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


@pytest.fixture
def office(db):
    calendar = BusinessCalendar.objects.create(name="Desk hours", time_zone="UTC")
    WorkingPeriod.objects.bulk_create(WorkingPeriod(calendar=calendar, weekday=day,
                                                    start=time(9), end=time(17))
                                      for day in range(5))
    return calendar


def messages(**filters):
    return list(ChatMessage.objects.filter(**filters).order_by("pk"))


def test_a_ticket_of_the_team_queues_one_message_per_channel_that_wants_it(
        make_channel, alice, team, office):
    slack = make_channel("slack", calendar=office)
    teams = make_channel("teams", calendar=office, events=["ticket.created"])
    make_channel("teams", calendar=office, events=["ticket.resolved"])  # not this event
    make_channel("slack", calendar=office, priorities=[1, 2])  # not this priority
    make_channel("slack", calendar=office, enabled=False)
    make_channel("slack", calendar=office, team=TeamFactory(name="Network"))
    ticket = make_ticket(alice, team=team, priority=3, now=TUESDAY)
    rows = messages()
    assert [(row.channel_id, row.event, row.thread_key) for row in rows] == [
        (slack.pk, "ticket.created", ticket.ref), (teams.pk, "ticket.created", ticket.ref)]
    assert all(row.status == MessageStatus.PENDING and row.next_attempt_at == TUESDAY
               for row in rows)
    assert rows[0].payload["blocks"][0]["type"] == "header"
    assert rows[1].payload["type"] == "message"


def test_an_event_without_a_team_reaches_no_channel(make_channel, office):
    make_channel(calendar=office)
    events.publish("incident.opened", data={"ticket": {"ref": "INC-1", "title": "x"}},
                   team_id=None, priority=1, now=TUESDAY)
    assert not ChatMessage.objects.exists()


def test_a_rolled_back_change_leaves_no_message(make_channel, alice, team, office):
    make_channel(calendar=office)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_ticket(alice, team=team, priority=1, now=TUESDAY)
        assert ChatMessage.objects.count() == 1  # written inside the change's transaction
        raise RuntimeError("the change fails after publishing")
    assert not ChatMessage.objects.exists()


def test_outside_working_hours_p1_goes_at_once_and_the_rest_waits_for_the_opening(
        make_channel, alice, team, office, chat):
    channel = make_channel(calendar=office)
    p1 = make_ticket(alice, team=team, priority=1, title="Core switch down", now=SATURDAY)
    p3 = make_ticket(alice, team=team, priority=3, title="Toner low", now=SATURDAY)
    urgent, later = messages()
    assert (urgent.thread_key, urgent.next_attempt_at, urgent.held_until) == (
        p1.ref, SATURDAY, None)
    assert (later.thread_key, later.next_attempt_at, later.held_until) == (
        p3.ref, MONDAY_OPEN, MONDAY_OPEN)

    assert chat_messages_dispatch(now=SATURDAY + timedelta(minutes=1)) == {"sent": 1}
    assert [r.body["blocks"][0]["text"]["text"] for r in chat.to("/slack/hook")] == [
        f"{p1.ref} · Core switch down"]
    assert chat_messages_dispatch(now=MONDAY_OPEN - timedelta(seconds=1)) == {}
    assert chat_messages_dispatch(now=MONDAY_OPEN) == {"sent": 1}
    assert len(chat.to("/slack/hook")) == 2
    channel.refresh_from_db()
    assert channel.last_sent_at == MONDAY_OPEN


def test_a_channel_can_drop_what_comes_outside_working_hours(make_channel, alice, team,
                                                             office, chat):
    make_channel(calendar=office, outside_hours="drop")
    make_ticket(alice, team=team, priority=2, now=SATURDAY)
    make_ticket(alice, team=team, priority=1, now=SATURDAY)
    dropped, urgent = messages()
    assert dropped.status == MessageStatus.DROPPED and dropped.next_attempt_at is None
    assert "working hours" in dropped.last_error
    assert urgent.status == MessageStatus.PENDING
    assert chat_messages_dispatch(now=TUESDAY) == {"sent": 1}


def test_without_a_calendar_of_its_own_a_channel_follows_its_teams_sla_policy(
        make_channel, alice, team, office):
    SlaPolicy.objects.create(name="Desk team", order=1, team=team, calendar=office,
                             response_minutes=60, resolution_minutes=480)
    make_channel()
    make_ticket(alice, team=team, priority=4, now=SATURDAY)
    assert messages()[0].held_until == MONDAY_OPEN


def test_else_it_follows_each_tickets_own_sla_calendar(make_channel, alice, team):
    # The default policies: P1 incidents on 24×7, P3 incidents on office hours.
    make_channel()
    make_ticket(alice, team=team, priority=3, now=SATURDAY)
    make_ticket(alice, team=team, priority=1, now=SATURDAY)
    office_hours, always = messages()
    assert office_hours.held_until == MONDAY_OPEN
    assert always.held_until is None and always.next_attempt_at == SATURDAY


def test_on_commit_a_message_is_sent_at_once(make_channel, alice, team, chat, office,
                                            django_capture_on_commit_callbacks):
    make_channel(calendar=office)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(alice, team=team, priority=1)
    assert [r.body["blocks"][0]["text"]["text"].split(" · ")[0]
            for r in chat.to("/slack/hook")] == [ticket.ref]
    assert messages()[0].status == MessageStatus.SENT
