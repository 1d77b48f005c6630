"""Domain events: what happened, told to the apps above that want to react.

The ladder forbids a lower app to import a higher one, so tickets, monitoring, maintenance,
capacity and problems *publish* and integrations (webhooks, chat) *subscribes* from its
AppConfig.ready(). Listeners run inside the publisher's transaction, so what they write
(an outbox row) commits or rolls back with the change it tells of; they must do no I/O
and send only after commit. Each listener runs in its own savepoint: a listener that fails
is logged and loses its own rows, never the change being published.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# The catalogue people subscribe to: name -> what it means (shown in forms and the schema).
EVENTS = {
    "ticket.created": "A ticket was filed",
    "ticket.updated": "A ticket's triage fields or status changed",
    "ticket.commented": "A public reply or an internal note was added",
    "ticket.resolved": "A ticket was resolved",
    "sla.warning": "A ticket is close to breaching its SLA",
    "sla.breached": "A ticket breached its SLA",
    "incident.opened": "A failing check opened an incident",
    "incident.resolved": "A check recovered and resolved its incident",
    "maintenance.due": "A preventive maintenance task became due",
    "capacity.forecast": "A capacity forecast raised a ticket",
    "problem.known_error": "A problem's known error was published",
}


@dataclass(frozen=True)
class Event:
    """`data` is JSON-ready (what a webhook body carries under "data"); the dimensions
    beside it are what subscriptions filter on."""

    name: str
    data: dict
    occurred_at: datetime
    team_id: int | None = None
    service_id: int | None = None
    kind: str = ""
    priority: int | None = None


Listener = Callable[[Event], None]
Interest = Callable[[Event], bool]
_listeners: list[tuple[Listener, Interest | None]] = []
_muted: ContextVar[bool] = ContextVar("itsm_events_muted", default=False)


def subscribe(listener: Listener, *, interested: Interest | None = None) -> None:
    """Called from an AppConfig.ready(); subscribing twice is harmless.

    `interested` answers cheaply (from a cache, without a query) whether the listener
    would do anything with an event; when it says no, the listener and its savepoint are
    skipped, so filing a ticket costs nothing while nobody subscribes to anything."""
    if all(known is not listener for known, _ in _listeners):
        _listeners.append((listener, interested))


def unsubscribe(listener: Listener) -> None:
    _listeners[:] = [(known, i) for known, i in _listeners if known is not listener]


@contextmanager
def muted():
    """Replaying history (demo data, imports, rebuilds): nothing outside should hear it."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def publish(name: str, *, data: dict, now: datetime | None = None,
            team_id: int | None = None, service_id: int | None = None, kind: str = "",
            priority: int | None = None) -> Event | None:
    if name not in EVENTS:
        raise ValueError(f"Unknown domain event {name!r}; add it to itsm.events.EVENTS.")
    if _muted.get() or not _listeners:
        return None
    event = Event(name=name, data=data, occurred_at=now or timezone.now(), team_id=team_id,
                  service_id=service_id, kind=kind or "", priority=priority)
    for listener, interested in _listeners:
        if interested is not None and not interested(event):
            continue
        try:
            with transaction.atomic():
                listener(event)
        except Exception:
            log.exception("Listener %r failed on %s", listener, name)
    return event
