"""Every periodic job, in one place. Per-object timing lives in the database, not here.

`expires` stops a backlog (a worker that was down for an hour) from running the same
sweep many times over when it comes back.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "tickets-sla-sweep": {
        "task": "tickets.tasks.sla_sweep",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "tickets-sla-escalations": {
        # Also delivers notices held until business hours once the calendar opens.
        "task": "tickets.tasks.send_escalations",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "tickets-auto-close": {
        "task": "tickets.tasks.auto_close_resolved",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
}
