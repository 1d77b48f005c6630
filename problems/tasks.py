"""Thin Celery tasks: call a service. Each is safe to run twice or concurrently."""

from celery import shared_task


@shared_task(acks_late=True, expires=14 * 60)
def close_quiet() -> int:
    from problems.services.closing import problems_close_quiet

    return problems_close_quiet()


@shared_task(acks_late=True, expires=50 * 60)
def detect_problems() -> dict:
    from problems.services.detection import problems_detect

    return dict(problems_detect())
