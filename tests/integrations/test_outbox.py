"""The transactional outbox: publishers write one delivery per wanting endpoint, in their
own transaction; filters by team, service, kind and priority; sent after commit."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from integrations.models import Delivery, DeliveryStatus, Endpoint
from integrations.services.endpoints import endpoint_save
from itsm.events import EVENTS
from tests.factories import ServiceFactory, TeamFactory, make_ticket
from tickets import services as tickets
from tickets.models import Kind, Status, Ticket
from tickets.services.sla.sweep import sla_sweep

pytestmark = pytest.mark.django_db


def events_sent() -> list[str]:
    return list(Delivery.objects.order_by("id").values_list("event", flat=True))


def test_creating_a_ticket_writes_exactly_one_ticket_created(endpoint, alice):
    ticket = make_ticket(alice)
    assert events_sent() == ["ticket.created"]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    import json

    body = json.loads(delivery.body)
    assert body["type"] == "ticket.created"
    assert body["data"]["ticket"]["ref"] == ticket.ref
    assert body["data"]["ticket"]["url"].endswith(f"/desk/tickets/{ticket.ref}/")


def test_a_rolled_back_change_leaves_no_delivery(endpoint, alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_ticket(alice)
        assert Delivery.objects.count() == 1
        raise RuntimeError("the publisher's transaction fails")
    assert not Delivery.objects.exists() and not Ticket.objects.exists()


def test_it_is_sent_after_commit(endpoint, receiver, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_ticket(alice)
    assert receiver.received == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()  # the commit: the (eager) task sends it
    [got] = receiver.received
    Webhook(endpoint.secret).verify(got.body, got.headers)
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_comments_updates_and_resolution_publish_once_each(endpoint, alice, dee):
    ticket = make_ticket(alice)
    tickets.comment_add(ticket=ticket, actor=dee, body="Looking at it")
    tickets.comment_add(ticket=ticket, actor=dee, body="Internal", internal=True)
    tickets.ticket_update(ticket=Ticket.objects.get(pk=ticket.pk), actor=dee, title="Jams")
    tickets.ticket_update(ticket=Ticket.objects.get(pk=ticket.pk), actor=dee, title="Jams")
    tickets.ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), actor=dee,
                              to=Status.RESOLVED)
    assert events_sent() == ["ticket.created", "ticket.commented", "ticket.commented",
                             "ticket.updated", "ticket.resolved"]


def test_sla_warning_and_breach_are_published_once(endpoint, alice):
    ticket = make_ticket(alice)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(
        response_warn_at=now - timedelta(minutes=2), response_due_at=now - timedelta(minutes=1))
    sla_sweep(now=now)
    sla_sweep(now=now)
    assert events_sent() == ["ticket.created", "sla.warning", "sla.breached"]


def test_muted_replays_publish_nothing(endpoint, alice):
    with tickets.notifications_muted():
        make_ticket(alice)
    assert not Delivery.objects.exists()


def test_only_subscribed_events_are_written(endpoint, ada, alice):
    endpoint_save(endpoint=Endpoint.objects.get(pk=endpoint.pk), actor=ada,
                  events=["ticket.resolved"])
    make_ticket(alice)
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("dimension", ["teams", "services", "kinds", "priorities"])
def test_filters_by_team_service_kind_and_priority(dimension, ada, alice, receiver):
    ours, other = TeamFactory(name="Network"), TeamFactory(name="Facilities")
    svc, other_svc = ServiceFactory(name="VPN", owner_team=ours), ServiceFactory(name="Lift")
    wanted = {"teams": {"teams": [ours]}, "services": {"services": [svc]},
              "kinds": {"kinds": [Kind.REQUEST]}, "priorities": {"priorities": [1]}}[dimension]
    endpoint_save(endpoint=Endpoint(), actor=ada, name="Filtered", url=receiver.url,
                  events=list(EVENTS), **wanted)
    matching = {"teams": {"team": ours}, "services": {"service": svc},
                "kinds": {"kind": Kind.REQUEST}, "priorities": {"priority": 1}}[dimension]
    missing = {"teams": {"team": other}, "services": {"service": other_svc},
               "kinds": {"kind": Kind.INCIDENT}, "priorities": {"priority": 4}}[dimension]
    make_ticket(alice, **missing)
    assert not Delivery.objects.exists()
    ticket = make_ticket(alice, **matching)
    [delivery] = Delivery.objects.all()
    assert ticket.ref in delivery.body


def test_disabled_endpoints_get_nothing(endpoint, ada, alice):
    endpoint_save(endpoint=Endpoint.objects.get(pk=endpoint.pk), actor=ada, enabled=False)
    make_ticket(alice)
    assert not Delivery.objects.exists()
