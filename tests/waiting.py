"""Waiting for a real worker: one poll loop and one in-process Celery worker on Redis.

Tests that drive a real worker wait for the exact outcome they expect (never `sleep()`
followed by `count >= 1`), and fail with the condition's name when it does not come.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def wait_for(condition: Callable[[], object], *, seconds: float = 20, every: float = 0.05):
    """Poll `condition` until it returns something truthy; return that, or fail the test."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            name = getattr(condition, "__name__", repr(condition))
            raise AssertionError(f"gave up after {seconds} s waiting for {name}")
        time.sleep(every)


@contextmanager
def real_worker(redis_url: str, **conf) -> Iterator[None]:
    """Tend's Celery app on Redis with one solo worker in this process, eager mode off."""
    from celery.contrib.testing.worker import start_worker

    from itsm.config.celery import app

    app.conf.update(broker_url=redis_url, task_always_eager=False, **conf)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(task_always_eager=True)
