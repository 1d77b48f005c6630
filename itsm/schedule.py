"""Every periodic job, in one place. Per-object timing lives in the database, not here.

`expires` stops a backlog (a worker that was down for an hour) from running the same
sweep many times over when it comes back.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "tickets-auto-close": {
        "task": "tickets.tasks.auto_close_resolved",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
}
