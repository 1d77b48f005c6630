"""Thin Celery tasks: call a service. Each is safe to run twice or concurrently."""

from celery import shared_task


@shared_task(acks_late=True, expires=50)
def generate_work() -> dict:
    from maintenance.services.generation import occurrences_generate

    return dict(occurrences_generate())


@shared_task(acks_late=True, expires=14 * 60)
def patch_followups() -> dict:
    from maintenance.services.patching import patch_followups_raise

    return dict(patch_followups_raise())


@shared_task(acks_late=True)
def refresh_patch_deadlines(advisory_ids: list[int] | None = None) -> int:
    from maintenance.services.patching import patch_deadlines_refresh

    return patch_deadlines_refresh(advisory_ids=advisory_ids)
