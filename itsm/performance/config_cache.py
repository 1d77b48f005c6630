"""Configuration read on every filing (priority matrix, SLA policies…), kept per process.

Such rows change a few times a year, yet every ticket filed or changed reads them; as
queries they cost a third of a filing. A cached value names the models it is built from:
saving or deleting one of them drops the value in this process at once, and every value
expires after MAX_AGE seconds, so other processes (gunicorn workers, Celery) follow
within that time, as do writes that send no signal (QuerySet.update(), raw SQL).

Cached values are shared by every request of the process: treat them as read-only.

What it buys: with the role permissions cached the same way (roles_backend.py), filing
went from ~200 (portal) and ~140 (API) tickets per second to over 300 (bench/run.py
filing; README.md, "Benchmarks").
"""

import functools
import time
from collections.abc import Callable

from django.db.models.signals import m2m_changed, post_delete, post_save

MAX_AGE = 5.0  # seconds

_values: dict[str, tuple[float, object]] = {}


def config(*models: str) -> Callable:
    """Decorate a loader without arguments; `models` as "app_label.ModelName"."""

    def wrap(loader: Callable) -> Callable:
        key = f"{loader.__module__}.{loader.__qualname__}"

        def forget(**_kwargs) -> None:
            _values.pop(key, None)

        for model in models:  # a many-to-many table as "app_label.Model_field"
            # weak=False: `forget` lives only in this closure.
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(forget, sender=model, weak=False)

        @functools.wraps(loader)
        def read():
            now = time.monotonic()
            hit = _values.get(key)
            if hit is not None and 0 <= now - hit[0] < MAX_AGE:  # a clock moved back: reload
                return hit[1]
            value = loader()
            _values[key] = (now, value)
            return value

        return read

    return wrap


def clear() -> None:
    """Forget every cached value (tests: each starts from what its database holds)."""
    _values.clear()
