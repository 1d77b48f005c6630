"""The whole loop through a real Celery worker on Redis, against a real HTTP server."""

import time

import pytest
from django.utils import timezone

from monitoring.models import Check
from tickets.models import Status, Ticket


def _wait(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_opens_and_resolves_the_incident(redis_url, postgres, http_target,
                                                      make_check, service):
    from celery.contrib.testing.worker import start_worker

    from itsm.config.celery import app
    from monitoring.tasks import dispatch

    check = make_check(target=http_target.url, service=service, failure_threshold=3,
                       recovery_threshold=2, timeout=5)
    app.conf.update(broker_url=redis_url, task_always_eager=False)

    def run_once():
        # The clock does not move in this test: make the check due, let beat's task run.
        done = check.results.count()
        Check.objects.filter(pk=check.pk).update(next_run_at=timezone.now())
        dispatch.delay()
        assert _wait(lambda: check.results.count() > done), "the worker ran nothing"

    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            http_target.set("unhealthy")
            for _ in range(3):
                run_once()
            assert _wait(lambda: Ticket.objects.filter(kind="incident").exists())
            http_target.set("healthy")
            for _ in range(2):
                run_once()
            ticket = Ticket.objects.get(kind="incident")
            assert _wait(lambda: Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED)
    finally:
        app.conf.update(task_always_eager=True)
    check.refresh_from_db()
    assert check.state == "up" and Ticket.objects.count() == 1
