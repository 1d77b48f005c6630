"""Thin Celery tasks for webhooks: claim by id or sweep, call a service; safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> dict:
    """After commit: send this delivery now. Run twice, or after the sweep took it, it
    claims nothing (the lease or the delivery's new state stops it)."""
    from integrations.services.delivery import deliveries_dispatch

    return deliveries_dispatch(ids=[delivery_id])


@shared_task(acks_late=True, expires=10, ignore_result=True)
def sweep() -> dict:
    """Beat, every 10 s: every due delivery no live lease holds (retries, deliveries whose
    task was lost with the broker, and those a killed worker left half-sent)."""
    from integrations.services.delivery import deliveries_dispatch

    return deliveries_dispatch()


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(Exception,),
             retry_backoff=30, max_retries=5)
def notify_disabled(endpoint_id: int, key: str) -> bool:
    """Mail the admins that an endpoint was disabled (once per key, whatever the retries)."""
    from integrations.services.notices import endpoint_disabled_notify

    return endpoint_disabled_notify(endpoint_id=endpoint_id, key=key)
