"""The transactional outbox: an itsm.events listener writes one Delivery per endpoint that
wants the event, in the publisher's transaction, and asks for it to be sent after commit.

A change that rolls back takes its deliveries with it; a committed one always has them,
even if the broker is down when `on_commit` fires: the beat sweep (services/delivery.py)
finds every due delivery that no worker holds. The body is frozen here, so every attempt
sends the same bytes under the same `msg_…` id.
"""

import json
import logging
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from integrations import signing
from integrations.models import Delivery, Endpoint
from itsm.events import Event
from itsm.performance.config_cache import config

log = logging.getLogger(__name__)
TEST_EVENT = "webhook.test"


def wants(endpoint: Endpoint, event: Event) -> bool:
    """Whether `endpoint` subscribes to `event`: its name, and each filter (empty = all).

    An event without a dimension (a check's incident has no team) passes only the
    endpoints that do not filter on it."""
    team_ids = {team.pk for team in endpoint.teams.all()}
    service_ids = {service.pk for service in endpoint.services.all()}
    return (event.name in endpoint.events
            and (not team_ids or event.team_id in team_ids)
            and (not service_ids or event.service_id in service_ids)
            and (not endpoint.kinds or event.kind in endpoint.kinds)
            and (not endpoint.priorities or event.priority in endpoint.priorities))


def body_for(name: str, *, data: dict, occurred_at: datetime) -> str:
    return json.dumps({"type": name, "timestamp": occurred_at.isoformat(), "data": data},
                      cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def delivery_create(*, endpoint: Endpoint, name: str, data: dict,
                    now: datetime | None = None) -> Delivery:
    """Queue one message for one endpoint; it is sent after the transaction commits."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.create(
            endpoint=endpoint, msg_id=signing.new_msg_id(), event=name,
            body=body_for(name, data=data, occurred_at=now), created_at=now,
            next_attempt_at=now)
        transaction.on_commit(lambda: enqueue(delivery.pk))
    return delivery


@config("integrations.Endpoint")
def events_wanted() -> frozenset[str]:
    """The events some enabled endpoint subscribes to, cached per process
    (itsm.performance.config_cache): an event nobody wants costs no query and no savepoint.
    An endpoint saved in another process is heard within config_cache.MAX_AGE seconds."""
    wanted: set[str] = set()
    for names in Endpoint.objects.filter(enabled=True).values_list("events", flat=True):
        wanted.update(names)
    return frozenset(wanted)


def interested(event: Event) -> bool:
    return event.name in events_wanted()


def event_received(event: Event) -> None:
    """The itsm.events listener (IntegrationsConfig.ready). No I/O: rows and on_commit."""
    endpoints = Endpoint.objects.filter(enabled=True).prefetch_related("teams", "services")
    for endpoint in endpoints:
        if wants(endpoint, event):
            delivery_create(endpoint=endpoint, name=event.name, data=event.data,
                            now=event.occurred_at)


def enqueue(delivery_id: int) -> None:
    """Ask a worker to send now. A broker that is down only delays it until the sweep."""
    from integrations.tasks import deliver

    try:
        deliver.delay(delivery_id)
    except Exception:  # kombu's OperationalError and friends: the sweep will find it
        log.warning("Could not enqueue webhook delivery %s; the sweep will send it",
                    delivery_id, exc_info=True)
