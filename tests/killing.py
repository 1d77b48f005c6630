"""SIGKILL tests on a real worker: a Celery worker in its own process, and mail on disk.

The worker runs with tests.worker_settings against the test database (committed data, so
the tests use `django_db(transaction=True)`) and Redis. Its e-mail backend writes each
message to a file, whole or not at all, after a short delay, so a test can kill the
worker between a mail's claim and its send, and count what went out by Message-ID.
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
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

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


@contextmanager
def worker_process(*, redis_url: str, mail_dir: Path, lease: int = 1, delay: float = 0.3):
    """A real `celery worker --pool=solo` on the test database; yields the process."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
           "DATABASE_URL": _database_url(), "REDIS_URL": redis_url,
           "CELERY_BROKER_URL": redis_url, "EMAIL_FILE_PATH": str(mail_dir),
           "TEND_LEASE_SECONDS": str(lease), "TEND_TEST_MAIL_DELAY": str(delay)}
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

    def close(self) -> None:
        self.client.flushdb()
        self.app.close()
