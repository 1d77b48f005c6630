"""Thin Celery tasks: fetch by id, call a service. Safe to run twice."""

from smtplib import SMTPException

from celery import shared_task

from tickets import services
from tickets.services import notifications, outbox


@shared_task(acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError),
             retry_backoff=30, retry_backoff_max=600, max_retries=8)
def send_ticket_notification(event: str, ticket_id: int, object_id: int | None = None) -> int:
    # Upgrade shim: 0.1 queued one message per event; since the outbox
    # (tickets.services.outbox) nothing queues this task, but messages queued before an
    # upgrade still arrive. Remove in 0.3, after every 0.1 queue has drained.
    return notifications.notification_deliver(
        event=event, ticket_id=ticket_id, object_id=object_id)


@shared_task(acks_late=True)
def send_pending_notifications() -> int:
    return outbox.notifications_send_pending()


@shared_task(acks_late=True, expires=14 * 60)
def auto_close_resolved() -> int:
    return services.tickets_auto_close()


@shared_task(acks_late=True, expires=50)
def fold_report_facts() -> int:
    from tickets.services.fold import facts_fold

    return facts_fold()


@shared_task(acks_late=True, expires=25)
def sla_sweep() -> dict:
    from tickets.services.sla.sweep import sla_sweep as sweep

    return sweep()


@shared_task(acks_late=True, expires=50, autoretry_for=(SMTPException, ConnectionError),
             retry_backoff=30, max_retries=5)
def send_escalations() -> int:
    from tickets.services.sla.notices import escalations_send

    return escalations_send()
