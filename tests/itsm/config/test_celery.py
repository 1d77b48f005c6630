"""The worker under `make run`: task output logged as INFO, a file broker that answers in
one poll, and a worker that stops in time, losing nothing, when honcho signals its group."""

import logging
import os
import shlex
import signal
import subprocess
import sys
import time
from itertools import takewhile
from pathlib import Path

import pytest
from celery import Celery
from celery.utils.log import LoggingProxy
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend
from honcho.manager import KILL_WAIT  # seconds honcho waits after SIGTERM, then SIGKILL
from kombu import Connection

from itsm.config.celery import FileTransport, app
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]


def test_a_mail_printed_by_a_task_is_logged_at_info(caplog):
    # The worker hands sys.stdout to a logger at this level; the console backend prints there.
    stdout = LoggingProxy(logging.getLogger("celery.redirected"),
                          app.conf.worker_redirect_stdouts_level)
    with caplog.at_level(logging.DEBUG, logger="celery.redirected"):
        EmailBackend(stream=stdout).send_messages(
            [EmailMessage("Your ticket INC-1", "Hello", to=["alice@example.com"])])
    assert any("Subject: Your ticket INC-1" in r.getMessage() for r in caplog.records)
    assert {record.levelno for record in caplog.records} == {logging.INFO}


def _folders(folder: Path) -> dict:
    """Every folder of the file broker in `folder` (kombu's default control folder is ./control)."""
    return dict.fromkeys(("data_folder_in", "data_folder_out", "processed_folder",
                          "control_folder"), str(folder))


def _file_broker(folder: Path) -> Connection:
    return Connection("filesystem://", transport=FileTransport,
                      transport_options=_folders(folder))


def test_the_file_broker_waits_one_poll_not_the_whole_timeout(tmp_path):
    with _file_broker(tmp_path) as connection:
        connection.connect()
        started = time.monotonic()
        with pytest.raises(TimeoutError):  # nothing queued
            connection.drain_events(timeout=2.0)  # what Celery's loop asks for
        assert time.monotonic() - started < 1.0


def test_the_file_broker_still_delivers(tmp_path):
    with _file_broker(tmp_path) as connection:
        queue = connection.SimpleQueue("tend-test")
        queue.put({"ticket": "INC-1"})
        assert queue.get(timeout=2).payload == {"ticket": "INC-1"}
        queue.close()


def _procfile_worker() -> tuple[dict[str, str], list[str]]:
    """The worker's environment and command from the Procfile, as honcho runs them."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith("worker:"))
    words = shlex.split(line.partition(":")[2])
    assignments = list(takewhile(lambda word: "=" in word, words))  # VAR=value before it
    env = dict(word.split("=", 1) for word in assignments)
    command = words[len(assignments):]
    assert command[0] == "celery"
    return env, [sys.executable, "-m", *command]


def test_the_make_run_worker_stops_within_honchos_grace_and_requeues_its_task(tmp_path):
    """Signalled as honcho signals it (SIGTERM to its whole group) during a task longer
    than honcho waits, the worker is gone in time, cleanly, and the task is back in the
    queue, to run again."""
    procfile_env, command = _procfile_worker()
    env = {name: value for name, value in os.environ.items()
           if name not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"}}
    env.update(procfile_env, DJANGO_SETTINGS_MODULE="tests.itsm.config.file_worker_settings",
               TEND_TEST_BROKER_DIR=str(tmp_path), DEBUG="1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'tend.sqlite3'}")
    log_path, started = tmp_path / "worker.log", tmp_path / "nap-started"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(lambda: b"ready." in log_path.read_bytes(), seconds=60)
            producer = Celery("tend-test", broker="filesystem://")
            producer.conf.update(broker_transport=FileTransport,
                                 broker_transport_options=_folders(tmp_path))
            producer.send_task("tend_test.nap", args=[KILL_WAIT * 2, str(started)])
            wait_for(started.exists)
            os.killpg(worker.pid, signal.SIGTERM)
            signalled = time.monotonic()
            returncode = worker.wait(timeout=KILL_WAIT * 3)
            took = time.monotonic() - signalled
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
    output = log_path.read_text()
    assert returncode == 0, output
    assert took < KILL_WAIT, f"stopped after {took:.1f} s"
    assert "exited with" not in output, output  # no pool process killed under the main one
    assert "ERROR" not in output and "Traceback" not in output, output
    assert "No hostname was supplied" not in output
    [requeued] = [path for path in tmp_path.iterdir() if path.name.endswith(".msg")]
    assert b"tend_test.nap" in requeued.read_bytes()
