"""The demo's backup job pings the backup's heartbeat, so a demo left running for a week
(or started again later) stays healthy; production's beat schedule never has the job."""

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from demo.backup import BACKUP_CHECK, backup_due_since, backup_run
from itsm.config.celery import app
from monitoring.models import Check, CheckIncident
from monitoring.probes import ProbeResult
from monitoring.services import dispatch

WEDNESDAY_NOON = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


@pytest.fixture
def backup(db):
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        call_command("seed_monitoring", days=7, stdout=io.StringIO())
    return Check.objects.get(name=BACKUP_CHECK)


def run_demo(*, days: int, job: bool, every=timedelta(minutes=10)) -> None:
    """`days` of demo time from WEDNESDAY_NOON: beat's ask for the backup job (if `job`),
    then the dispatcher judging the heartbeat at each due slot, as the worker would."""
    t = WEDNESDAY_NOON
    while t < WEDNESDAY_NOON + timedelta(days=days):
        t += every
        if job:
            backup_run(now=t)
        claims = dispatch.checks_claim_due(now=t, lookahead=0)
        heartbeats = set(Check.objects.filter(kind="heartbeat").values_list("pk", flat=True))
        dispatch.check_results_process(now=t, results=[
            ProbeResult(check_id=pk, planned_at=planned, ran_at=t, outcome="heartbeat")
            for pk, planned in claims if pk in heartbeats])


def test_a_week_of_running_demo_with_the_job_opens_no_incident(backup):
    run_demo(days=8, job=True)
    backup.refresh_from_db()
    assert backup.state == "up"
    assert not CheckIncident.objects.filter(owner=backup).exists()
    # Pinged on the Sunday inside those days, at its time (beat asks on the 10 minutes).
    assert backup.last_ping_at == datetime(2026, 3, 15, 2, 30, tzinfo=UTC)


def test_without_the_job_the_same_week_reports_the_backup_late(backup):
    run_demo(days=8, job=False)
    backup.refresh_from_db()
    assert backup.state == "down"
    assert CheckIncident.objects.filter(owner=backup).count() == 1


def test_a_run_missed_while_the_demo_was_stopped_is_caught_up_once(backup):
    later = WEDNESDAY_NOON + timedelta(days=10)
    assert backup_run(now=later) is True
    assert backup_run(now=later + timedelta(minutes=10)) is False
    backup.refresh_from_db()
    assert backup.last_ping_at == backup.last_start_at == later
    assert backup.heartbeat_deadline(later) == later + timedelta(days=8)


def test_a_run_due_before_the_check_existed_is_not_one_it_missed(db):
    with time_machine.travel(WEDNESDAY_NOON, tick=False):  # no Sunday in one day of history
        call_command("seed_monitoring", days=1, stdout=io.StringIO())
    backup = Check.objects.get(name=BACKUP_CHECK)
    assert backup.last_ping_at is None
    assert backup_run(now=WEDNESDAY_NOON + timedelta(hours=1)) is False


def test_the_job_is_due_sundays_at_half_past_two():
    sunday = datetime(2026, 3, 15, 2, 30, tzinfo=UTC)
    assert backup_due_since(sunday) == sunday
    assert backup_due_since(sunday - timedelta(seconds=1)) == sunday - timedelta(days=7)
    assert backup_due_since(WEDNESDAY_NOON) == sunday - timedelta(days=7)


def test_the_demo_app_adds_the_job_to_beat_schedule():
    assert "demo" in settings.INSTALLED_APPS  # tests/settings.py always installs it
    entry = app.conf.beat_schedule["demo-backup-job"]
    assert entry["task"] == "demo.tasks.backup_job"
    assert "demo.tasks.backup_job" in app.tasks


def beat_schedule_of(env: dict) -> list[str]:
    # The real settings in a process of their own: the tests' settings always add demo.
    code = ("import django; django.setup(); from itsm.config.celery import app; "
            "app.loader.import_default_modules(); import json; "
            "print(json.dumps(sorted(app.conf.beat_schedule)))")
    base = {k: v for k, v in os.environ.items() if k not in ("TEND_DEMO", "DATABASE_URL")}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True,
        cwd=settings.BASE_DIR, env={**base, "DJANGO_SETTINGS_MODULE": "itsm.config.settings",
                                    "DEBUG": "1", **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_beat_has_no_demo_job_and_the_demo_has_it():
    production = beat_schedule_of({})
    assert "monitoring-dispatch" in production and "demo-backup-job" not in production
    assert "demo-backup-job" in beat_schedule_of({"TEND_DEMO": "1"})
