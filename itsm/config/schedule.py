"""Every periodic job, in one place. Per-object timing lives in the database, not here.

`expires` stops a backlog (a worker that was down for an hour) from running the same
sweep many times over when it comes back.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "tickets-notifications": {
        # Normally woken right after a change commits; this catches a lost wake-up.
        "task": "tickets.tasks.send_pending_notifications",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
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
    "maintenance-generate-work": {
        # Plan occurrences inside their lead time become work items, once each.
        "task": "maintenance.tasks.generate_work",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "maintenance-patch-followups": {
        # Overdue patches get one PAT ticket per asset (or per advisory on many assets).
        "task": "maintenance.tasks.patch_followups",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "monitoring-dispatch": {
        # Claims checks due in the next few seconds; each runs at its own slot.
        "task": "monitoring.tasks.dispatch",
        "schedule": 5.0,
        "options": {"expires": 5},
    },
    "monitoring-rollup-prune": {
        # Raw results past TEND_RESULTS_RETENTION_DAYS become hourly rollups, then go.
        "task": "monitoring.tasks.rollup_and_prune",
        "schedule": crontab(hour=3, minute=17),
        "options": {"expires": 3600},
    },
    "reports-weekly-summary": {
        # Monday morning: last week's figures to managers who asked for them.
        "task": "reports.tasks.send_weekly_summaries",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
}
