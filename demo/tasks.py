"""The demo's periodic task (installed, and scheduled, only with the demo app)."""

from celery import shared_task

# Beat asks this often whether the weekly backup is due (demo/backup.py); a run late by
# this much is still hours inside the heartbeat's grace.
BACKUP_EVERY = 600.0

SCHEDULE = {
    "demo-backup-job": {
        "task": "demo.tasks.backup_job",
        "schedule": BACKUP_EVERY,
        "options": {"expires": BACKUP_EVERY - 10},
    },
}


@shared_task(acks_late=True, ignore_result=True)
def backup_job() -> bool:
    """Run the demo's backup job if it is due; safe twice (a run that reported is done)."""
    from demo.backup import backup_run

    return backup_run()
