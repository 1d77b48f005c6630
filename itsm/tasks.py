"""Thin Celery tasks of the core. Safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, expires=3600, ignore_result=True)
def prune_audit_log() -> int:
    """Daily: audit entries past TEND_AUDIT_RETENTION_DAYS go (itsm/services/audit.py)."""
    from itsm.services.audit import audit_entries_prune

    return audit_entries_prune()
