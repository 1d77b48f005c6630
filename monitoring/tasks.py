"""Thin Celery tasks for monitoring. Safe to run twice (see dispatch.py for why)."""

from datetime import datetime

from celery import shared_task

from monitoring import conf


def _batches(claims: list, size: int = conf.BATCH_SIZE) -> list[list]:
    """Split claims into JSON-friendly batches for `run_checks` tasks."""
    ordered = sorted(claims, key=lambda c: c[1])
    return [[[pk, planned.isoformat()] for pk, planned in ordered[i:i + size]]
            for i in range(0, len(ordered), size)]


@shared_task(acks_late=True, expires=5, ignore_result=True)
def dispatch() -> int:
    """Beat, every 5 s: claim due checks and hand them to `run_checks` in batches."""
    from django.db import transaction

    from monitoring.services import dispatch as engine

    claims = engine.checks_claim_due()
    for batch in _batches(claims):
        transaction.on_commit(lambda batch=batch: run_checks.delay(batch))
    return len(claims)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_checks(batch: list) -> dict:
    """Run claimed (check id, planned slot) pairs. A redelivered batch records nothing twice."""
    from monitoring.services import dispatch as engine

    claims = [(pk, datetime.fromisoformat(planned)) for pk, planned in batch]
    report = engine.checks_run_claimed(claims=claims)
    return {k: v for k, v in report.items() if k != "incidents"}


@shared_task(acks_late=True, expires=3600, ignore_result=True)
def rollup_and_prune() -> dict:
    """Nightly: roll raw results past retention into hourly rows, then delete them."""
    from monitoring.services.rollups import check_results_roll_up_and_prune

    return check_results_roll_up_and_prune(max_seconds=3000)
