"""SIGKILL tests on a real worker: a Celery worker in its own process, and mail on disk.

The worker runs with tests.worker_settings against the test database (committed data, so
the tests use `django_db(transaction=True)`) and Redis. Its e-mail backend writes each
message to a file, whole or not at all, after a short delay, so a test can kill the
worker between a mail's claim and its send, and count what went out by Message-ID.

Other slow points are test-only hooks installed in the worker at start, from its
environment (`worker_hooks_install`), so the app itself has no test code paths:
TEND_TEST_SLOW_SAVES="app.Model:seconds,…" sleeps after each insert of those models,
inside the inserting transaction; TEND_TEST_JOURNAL names a file where the worker notes
each task it discarded unrun (expired or revoked).
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from celery import Celery
from django.apps import apps
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.db.models.signals import post_save

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent


class SlowFileBackend(BaseEmailBackend):
    """Each message waits TEND_TEST_MAIL_DELAY seconds (the SMTP conversation), then is
    written to EMAIL_FILE_PATH atomically: a file on disk is a mail the server accepted."""

    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        for message in email_messages:
            time.sleep(settings.TEND_TEST_MAIL_DELAY)
            name = f"{time.time_ns()}-{uuid.uuid4().hex}"
            part = folder / f"{name}.part"
            part.write_bytes(message.message().as_bytes())
            os.replace(part, folder / f"{name}.eml")
        return len(email_messages)


def message_ids(folder: Path) -> Counter:
    """How many mails on disk carry each Message-ID."""
    return Counter(email.message_from_bytes(path.read_bytes())["Message-ID"]
                   for path in folder.glob("*.eml"))


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_hooks_install() -> None:
    """In the worker (tests.worker_settings calls this at worker_init): the slow points
    and the journal its environment asks for."""
    from celery.signals import task_revoked

    for item in filter(None, os.environ.get("TEND_TEST_SLOW_SAVES", "").split(",")):
        label, seconds = item.rsplit(":", 1)

        def pause(sender, created, seconds=float(seconds), **kwargs):
            if created:
                time.sleep(seconds)

        post_save.connect(pause, sender=apps.get_model(label), weak=False)
    journal = os.environ.get("TEND_TEST_JOURNAL")
    if journal:

        def note(request, expired, **kwargs):
            with open(journal, "a") as out:
                out.write(f"{request.task} {'expired' if expired else 'revoked'}\n")

        task_revoked.connect(note, weak=False)


def discarded(journal: Path) -> list[str]:
    """The tasks a worker discarded unrun, as '<task name> expired|revoked'."""
    return journal.read_text().splitlines() if journal.exists() else []


def writing_transactions() -> int:
    """Transactions open on the test database, other than this one's, that have locked
    or written rows (a worker caught mid-transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid() "
                       "AND backend_xid IS NOT NULL")
        return cursor.fetchone()[0]


@contextmanager
def worker_process(*, redis_url: str, mail_dir: Path, lease: int = 1, delay: float = 0.3,
                   env: dict[str, str] | None = None):
    """A real `celery worker --pool=solo` on the test database; yields the process.

    `env` adds to the worker's environment (the hooks above, Tend settings read from it)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
           "DATABASE_URL": _database_url(), "REDIS_URL": redis_url,
           "CELERY_BROKER_URL": redis_url, "EMAIL_FILE_PATH": str(mail_dir),
           "TEND_LEASE_SECONDS": str(lease), "TEND_TEST_MAIL_DELAY": str(delay),
           **(env or {})}
    log = (mail_dir.parent / f"worker-{uuid.uuid4().hex[:6]}.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "celery", "-A", "itsm.config", "worker", "--pool=solo",
         "--loglevel=warning", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL: no cleanup, no acknowledgement, claims left as they were."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()


class Broker:
    """Publishes Tend's tasks by name to the worker's Redis, and empties it after."""

    def __init__(self, redis_url: str):
        import redis

        self.client = redis.Redis.from_url(redis_url)
        self.client.flushdb()
        self.app = Celery("kill-tests", broker=redis_url)

    def send(self, task: str) -> None:
        self.app.send_task(task)

    def wait_for_worker(self) -> None:
        """Until a worker answers a ping: it is consuming, so what is sent now runs now."""

        def a_worker_answers():
            return self.app.control.ping(timeout=0.3)

        wait_for(a_worker_answers, seconds=30)

    def unacked(self) -> int:
        """Messages delivered to a worker and not acknowledged (kombu's Redis layout)."""
        return self.client.hlen("unacked")

    def queued(self) -> int:
        return self.client.llen("celery")

    def close(self) -> None:
        self.client.flushdb()
        self.app.close()
