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
    "tickets-fold-report-facts": {
        # Changes append their report facts; this folds them into one row per key.
        "task": "tickets.tasks.fold_report_facts",
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
    "capacity-scrape-dispatch": {
        # Claims due scrape targets (each has its own interval) and scrapes them.
        "task": "capacity.tasks.scrape_dispatch",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    "capacity-prometheus-discover": {
        # New hosts and mounts in the teams' own Prometheus become series.
        "task": "capacity.tasks.prometheus_discover",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    "capacity-buckets-rollup": {
        # 5-minute buckets past TEND_METRICS_RAW_DAYS become hourly; past KEEP_DAYS they go.
        "task": "capacity.tasks.buckets_rollup",
        "schedule": crontab(hour=3, minute=41),
        "options": {"expires": 3600},
    },
    "problems-detect": {
        # Clusters of recent incidents become proposals (never problems) for a person to decide.
        "task": "problems.tasks.detect_problems",
        "schedule": crontab(minute=23),
        "options": {"expires": 50 * 60},
    },
    "problems-close-quiet": {
        # Resolved problems whose quiet period passed without a new incident close.
        "task": "problems.tasks.close_quiet",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "capacity-forecast-sweep": {
        # Every series' forecast, and the one capacity ticket per series it calls for.
        "task": "capacity.tasks.forecast_sweep",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 900},
    },
    "integrations-webhooks-sweep": {
        # Due webhook deliveries: retries, lost wake-ups, and claims a killed worker left.
        "task": "integrations.tasks.sweep",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    "integrations-chat-sweep": {
        # Due chat messages: retries, those held for business hours, lost wake-ups.
        "task": "integrations.chat.tasks.sweep",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    "inbound-poll-mailboxes": {
        # Mailboxes whose poll is due (each has its own interval; IDLE picks up mail sooner).
        "task": "inbound.tasks.poll_due",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "itsm-audit-prune": {
        # Audit entries past TEND_AUDIT_RETENTION_DAYS go, in batches (0 keeps them all).
        "task": "itsm.tasks.prune_audit_log",
        "schedule": crontab(hour=4, minute=7),
        "options": {"expires": 3600},
    },
    "reports-weekly-summary": {
        # Monday morning: last week's figures to managers who asked for them.
        "task": "reports.tasks.send_weekly_summaries",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
}
