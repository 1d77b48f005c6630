"""Thin Celery tasks for monitoring. Safe to run twice (see dispatch.py for why)."""

from datetime import datetime

from celery import shared_task


@shared_task(acks_late=True, expires=5, ignore_result=True)
def dispatch() -> int:
    """Beat, every 5 s: claim due checks and hand them to `run_checks` in batches."""
    from django.db import transaction

    from monitoring.services import dispatch as engine

    claims = engine.claim_due()
    for batch in engine.batches(claims):
        transaction.on_commit(lambda batch=batch: run_checks.delay(batch))
    return len(claims)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_checks(batch: list) -> dict:
    """Run claimed (check id, planned slot) pairs. A redelivered batch records nothing twice."""
    from monitoring.services import dispatch as engine

    claims = [(pk, datetime.fromisoformat(planned)) for pk, planned in batch]
    report = engine.run_claims(claims)
    return {k: v for k, v in report.items() if k != "incidents"}


@shared_task(acks_late=True, expires=3600, ignore_result=True)
def rollup_and_prune() -> dict:
    """Nightly: roll raw results past retention into hourly rows, then delete them."""
    from monitoring.services.rollups import rollup_and_prune as prune

    return prune(max_seconds=3000)
