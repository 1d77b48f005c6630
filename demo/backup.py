"""The demo's weekly offsite backup job, a stand-in for the real one: when it has run it
pings the backup's heartbeat through monitoring's ping service, as a job's
`curl /ping/<uuid>` would (monitoring/services/ping.py).

It is due every Sunday at 02:30 and, like anacron, catches up a run it missed while the
demo was not running: beat asks every few minutes (demo/tasks.py), and seed_monitoring
asks once before `make run` starts the worker, so a demo started again a fortnight later
is not judged late before the job had a chance to run. Without it the heartbeat would go
late a day to a week into a running demo and open an incident, an outage that is not one.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from monitoring.models import Check, Kind
from monitoring.services.ping import check_ping

BACKUP_CHECK = "Weekly offsite backup"
BACKUP_AT = (6, time(2, 30))  # Sunday (weekday 6), when it reports success
BACKUP_MINUTES = 25  # how long a run takes: the history's start pings come this much earlier


def backup_due_since(now: datetime) -> datetime:
    """The latest moment at or before `now` the job was due (local time)."""
    local = timezone.localtime(now)
    day = local.date() - timedelta(days=(local.weekday() - BACKUP_AT[0]) % 7)
    due = timezone.make_aware(datetime.combine(day, BACKUP_AT[1]))
    return due if due <= now else due - timedelta(days=7)


def backup_run(*, now: datetime | None = None) -> bool:
    """Run the job if a run is due that has not reported yet; True if it pinged."""
    now = now or timezone.now()
    check = Check.objects.filter(kind=Kind.HEARTBEAT, name=BACKUP_CHECK, paused=False).first()
    # A run due before the check watched anything is not one it missed.
    if check is None or (check.last_ping_at or check.watch_since) >= backup_due_since(now):
        return False
    # A catch-up run starts now: its start and its end are the same moment here.
    check_ping(uuid=check.uuid, action="start", now=now)
    return check_ping(uuid=check.uuid, now=now)
