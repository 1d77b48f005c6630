"""Real `manage.py` processes against the real Dovecot: a poll SIGKILLed mid-batch, and
the IDLE watcher picking up new mail within seconds.

The processes run with the test settings on the test database (committed data, so the
tests are transactional), with a short lease so the dead poller's claim runs out soon.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from inbound.models import Mailbox
from tests.inbound.imapserver import assert_exactly_once, mail, messages_of
from tests.killing import ROOT, _database_url, kill
from tests.waiting import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.transactional,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def manage(tmp_path, *args: str, lease: int = 2) -> subprocess.Popen:
    """`manage.py <args>` in its own process on the test database; output in tmp_path."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "DATABASE_URL": _database_url(), "TEND_LEASE_SECONDS": str(lease),
           "TEND_TEST_MEDIA": str(tmp_path / "media")}
    log = (tmp_path / f"{args[0]}-{time.monotonic_ns()}.log").open("wb")
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def test_a_poll_killed_mid_batch_loses_nothing_and_doubles_nothing(
        postgres, imap_folder, alice, tmp_path):
    box = imap_folder.mailbox(name="killed", sender_hourly_cap=500)
    raws = [mail(sender=alice.email, subject=f"Killed poll {i}") for i in range(100)]
    imap_folder.append(*raws)

    first = manage(tmp_path, "poll_mailboxes", "--mailbox", "killed", "--batch", "20")
    try:
        wait_for(lambda: messages_of(box).count() >= 30, seconds=180)
    finally:
        kill(first)
    received_when_killed = messages_of(box).count()
    assert received_when_killed < len(raws), "the poll finished before it could be killed"
    box.refresh_from_db()
    assert box.lease_until is not None  # the claim died with it, unreleased
    assert imap_folder.count() > 0  # messages left on the server for the next poll
    lease_runs_out_at = box.lease_until

    wait_for(lambda: timezone.now() > lease_runs_out_at, seconds=30)
    second = manage(tmp_path, "poll_mailboxes", "--mailbox", "killed", "--batch", "20")
    assert second.wait(300) == 0, log_of(tmp_path)

    assert_exactly_once(box, imap_folder, raws, alice)
    box.refresh_from_db()
    assert box.lease_until is None and box.last_error == ""


def test_watch_mailboxes_picks_up_new_mail_within_seconds_and_stops_on_sigterm(
        postgres, imap_folder, alice, tmp_path):
    # An hourly poll: what comes in seconds came through IDLE.
    box = imap_folder.mailbox(name="watched", poll_interval_seconds=3600)
    watcher = manage(tmp_path, "watch_mailboxes", "--mailbox", "watched", lease=60)
    try:
        def first_poll_done():
            return Mailbox.objects.filter(pk=box.pk, last_poll_at__isnull=False).exists()

        wait_for(first_poll_done, seconds=60)
        raw = mail(sender=alice.email, subject="Seen by IDLE")
        imap_folder.append(raw)
        appended = time.monotonic()
        wait_for(lambda: messages_of(box).filter(moved_at__isnull=False).exists(), seconds=30)
        assert time.monotonic() - appended < 15
        assert imap_folder.count() == 0

        imap_folder.append(mail(sender=alice.email, subject="Seen by IDLE, again"))
        wait_for(lambda: messages_of(box).count() == 2, seconds=30)
    finally:
        watcher.send_signal(signal.SIGTERM)
        code = watcher.wait(20)
    assert code == 0, log_of(tmp_path)
    box.refresh_from_db()
    assert box.supports_idle is True and box.last_error == ""


def log_of(tmp_path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in tmp_path.glob("*.log"))
