"""Thin Celery tasks for monitoring. Safe to run twice (see dispatch.py for why)."""

from datetime import datetime, timedelta

from celery import shared_task

from monitoring import conf


def _batches(claims: list, *, claimed_at: datetime, lease: timedelta,
             size: int = conf.BATCH_SIZE) -> list[tuple]:
    """Split claims into JSON-friendly batches for `run_checks` tasks, each with the
    moment its lease runs out: a lease after its latest slot or its claim, the later
    (a slot missed while workers were down is claimed late, and is worth running now)."""
    ordered = sorted(claims, key=lambda c: c[1])
    chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)]
    return [([[pk, planned.isoformat()] for pk, planned in chunk],
             max(chunk[-1][1], claimed_at) + lease) for chunk in chunks]


@shared_task(acks_late=True, expires=5, ignore_result=True)
def dispatch() -> int:
    """Beat, every 5 s: claim due checks and hand them to `run_checks` in batches."""
    from django.db import transaction
    from django.utils import timezone

    from monitoring.services import dispatch as engine

    now = timezone.now()
    claims = engine.checks_claim_due(now=now)
    for batch, lapses_at in _batches(claims, claimed_at=now, lease=engine.claim_lease()):
        # Past its lease a batch is dropped unrun (the worker that took it died, or it
        # waited behind one): its checks are claimed again at their next slot.
        transaction.on_commit(lambda batch=batch, lapses_at=lapses_at: run_checks.apply_async(
            (batch,), expires=lapses_at))
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
