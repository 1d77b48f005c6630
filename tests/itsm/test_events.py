"""The domain-event bus: listeners run in the publisher's transaction, each in its own
savepoint, skipped when they say they are not interested, silent while muted."""

import pytest
from django.db import connection, transaction

from itsm import events
from itsm.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    got = []

    def listener(event):
        got.append(event)

    events.subscribe(listener)
    yield got
    events.unsubscribe(listener)


def test_a_listener_hears_what_is_published_with_its_dimensions(heard):
    events.publish("ticket.created", data={"ticket": {"id": 1}}, team_id=3, kind="incident",
                   priority=1)
    [event] = heard
    assert (event.name, event.team_id, event.kind, event.priority) == (
        "ticket.created", 3, "incident", 1)


def test_an_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown domain event"):
        events.publish("ticket.exploded", data={})


def test_muted_replays_publish_nothing(heard):
    with events.muted():
        events.publish("ticket.created", data={})
    assert heard == []


def test_a_failing_listener_loses_its_own_rows_not_the_change():
    def failing(event):
        Team.objects.create(name="Written by the listener")
        raise RuntimeError("the listener breaks")

    events.subscribe(failing)
    try:
        with transaction.atomic():
            Team.objects.create(name="The change")
            events.publish("ticket.created", data={})
            Team.objects.create(name="After the event")  # the transaction is still usable
    finally:
        events.unsubscribe(failing)
    names = set(Team.objects.values_list("name", flat=True))
    assert {"The change", "After the event"} <= names
    assert "Written by the listener" not in names


def test_an_uninterested_listener_costs_no_query_or_savepoint(django_assert_num_queries):
    calls = []
    events.subscribe(calls.append, interested=lambda event: event.name == "sla.breached")
    try:
        events.publish("ticket.created", data={})  # the apps' listeners fill their caches
        calls.clear()
        with django_assert_num_queries(0):
            events.publish("ticket.created", data={})
        events.publish("sla.breached", data={})
    finally:
        events.unsubscribe(calls.append)
    assert [event.name for event in calls] == ["sla.breached"]
    assert connection.in_atomic_block  # the test's own transaction, untouched
