"""Notifications through an outbox: queued in the change's transaction, sent by a worker.

Publishing one Celery message per change cost a third of filing a ticket. Instead, the
service adds a PendingNotification row to its own transaction and, after commit, wakes
the sender unless a wake-up is already on its way (one SET NX in the shared cache). So
under load one task sends what many requests queued; a quiet system still sends within
a moment, and beat runs the sender every minute in case a wake-up was lost.

At least once, never twice: a row is deleted only once every mail it calls for is known
sent (or there was nobody to send to), and every e-mail has a key
(itsm.services.notifications.notification_send_once), so a row handled twice sends
nothing twice. A mail under another worker's live lease keeps its row; once that lease
expires (the worker died mid-send), the next run takes the mail over and sends it. A row
whose sends keep failing stays, with its last error, for the admin after MAX_ATTEMPTS.
"""

import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction

from itsm.services.notifications import SendBusy
from tickets.models import PendingNotification
from tickets.services import notifications

log = logging.getLogger(__name__)

WAKE_KEY = "tickets:notifications:wake"
WAKE_SECONDS = 60  # a lost wake-up is retried by beat; the key never blocks for longer
MAX_ATTEMPTS = 10  # then the row stays for the admin, with its last error
BATCH = 200


def notification_queue(*, event: str, ticket_id: int, object_id: int | None = None) -> None:
    """Call inside the transaction that makes the change."""
    PendingNotification.objects.create(event=event, ticket_id=ticket_id, object_id=object_id)
    # robust: with the broker or the cache down the change still succeeds; the row is
    # safe and beat's run sends it.
    transaction.on_commit(outbox_wake, robust=True)


def outbox_wake() -> None:
    """Ask a worker to send what is queued, unless a wake-up is already on its way."""
    from tickets.tasks import send_pending_notifications

    if cache.add(WAKE_KEY, 1, WAKE_SECONDS):
        try:
            send_pending_notifications.delay()
        except Exception:
            cache.delete(WAKE_KEY)  # so the next commit tries again
            raise


def notifications_send_pending(*, now: datetime | None = None) -> int:
    """Deliver every queued notification; returns how many e-mails went out."""
    # Forget the wake-up first: rows committed from now on wake another run.
    cache.delete(WAKE_KEY)
    sent, last_pk, failed, busy = 0, 0, 0, 0
    while True:
        batch = list(PendingNotification.objects.filter(
            pk__gt=last_pk, attempts__lt=MAX_ATTEMPTS).order_by("pk")[:BATCH])
        if not batch:
            break
        handled = []
        for item in batch:
            last_pk = item.pk
            try:
                sent += notifications.notification_deliver(
                    event=item.event, ticket_id=item.ticket_id, object_id=item.object_id,
                    now=now)
            except SendBusy:  # another worker is sending it now, or died doing so: kept
                busy += 1
                continue
            except Exception as exc:  # kept for the next run; the others still go out
                failed += 1
                log.warning("notification %s failed: %s", item.pk, exc)
                PendingNotification.objects.filter(pk=item.pk).update(
                    attempts=item.attempts + 1, last_error=str(exc)[:2000])
                continue
            handled.append(item.pk)
        # One DELETE per batch, of rows whose mails are all sent; a run cut short
        # redelivers, which notification_send_once makes harmless.
        PendingNotification.objects.filter(pk__in=handled).delete()
    if failed:
        log.warning("%d notifications failed; retried by the next run", failed)
    if busy:
        log.info("%d notifications under another worker's lease; kept for the next run", busy)
    return sent
