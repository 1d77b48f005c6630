"""Notifications through an outbox: queued in the change's transaction, sent by a worker.

Publishing one Celery message per change cost a third of filing a ticket. Instead, the
service adds a PendingNotification row to its own transaction and, after commit, wakes
the sender unless a wake-up is already on its way (one SET NX in the shared cache). So
under load one task sends what many requests queued; a quiet system still sends within
a moment, and beat runs the sender every minute in case a wake-up was lost.

At least once, never twice: rows are deleted only after they were handled, and every
e-mail has a key (itsm.services.notifications.send_once), so a row handled twice sends nothing
twice.
"""

import logging

from django.core.cache import cache
from django.db import transaction

from tickets.models import PendingNotification
from tickets.services import notifications

log = logging.getLogger(__name__)

WAKE_KEY = "tickets:notifications:wake"
WAKE_SECONDS = 60  # a lost wake-up is retried by beat; the key never blocks for longer
MAX_ATTEMPTS = 10  # then the row stays for the admin, with its last error
BATCH = 200


def queue(event: str, ticket_id: int, object_id: int | None = None) -> None:
    """Call inside the transaction that makes the change."""
    PendingNotification.objects.create(event=event, ticket_id=ticket_id, object_id=object_id)
    # robust: with the broker or the cache down the change still succeeds; the row is
    # safe and beat's run sends it.
    transaction.on_commit(wake, robust=True)


def wake() -> None:
    from tickets.tasks import send_pending_notifications

    if cache.add(WAKE_KEY, 1, WAKE_SECONDS):
        try:
            send_pending_notifications.delay()
        except Exception:
            cache.delete(WAKE_KEY)  # so the next commit tries again
            raise


def send_pending() -> int:
    """Deliver every queued notification; returns how many e-mails went out."""
    # Forget the wake-up first: rows committed from now on wake another run.
    cache.delete(WAKE_KEY)
    sent, last_pk, failed = 0, 0, 0
    while True:
        batch = list(PendingNotification.objects.filter(
            pk__gt=last_pk, attempts__lt=MAX_ATTEMPTS).order_by("pk")[:BATCH])
        if not batch:
            break
        handled = []
        for item in batch:
            last_pk = item.pk
            try:
                sent += notifications.deliver(item.event, item.ticket_id, item.object_id)
            except Exception as exc:  # kept for the next run; the others still go out
                failed += 1
                log.warning("notification %s failed: %s", item.pk, exc)
                PendingNotification.objects.filter(pk=item.pk).update(
                    attempts=item.attempts + 1, last_error=str(exc)[:2000])
                continue
            handled.append(item.pk)
        # One DELETE per batch; a run cut short redelivers, which send_once makes harmless.
        PendingNotification.objects.filter(pk__in=handled).delete()
    if failed:
        log.warning("%d notifications failed; retried by the next run", failed)
    return sent
