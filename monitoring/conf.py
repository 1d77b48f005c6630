"""Monitoring settings: a Django setting of the same name wins, then the environment.

Read at call time (not import time) so tests can change them with the `settings` fixture.
A bad value in the environment fails loudly instead of silently falling back.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def _bool(name: str, default: bool) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _int(name: str, default: int, minimum: int = 0) -> int:
    value = _raw(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return number


def allow_private() -> bool:
    """Checks may target private and loopback ranges (internal monitoring needs them)."""
    return _bool("TEND_MONITORING_ALLOW_PRIVATE", True)


def status_public() -> bool:
    """/status/ is readable without signing in."""
    return _bool("TEND_STATUS_PUBLIC", False)


def retention_days() -> int:
    """Raw results are kept this many days; hourly rollups are kept for good."""
    return _int("TEND_RESULTS_RETENTION_DAYS", 14, minimum=1)


def dispatch_lookahead() -> int:
    """The dispatcher claims checks due within this many seconds and runs each on time.

    A little more than the beat interval (5 s), so no slot waits for the next dispatch.
    """
    return _int("TEND_MONITORING_LOOKAHEAD", 6)


def reopen_hours() -> int:
    """A check failing again this soon after its incident was resolved reopens it."""
    return _int("TEND_MONITORING_REOPEN_HOURS", 24)


# Not settings: properties of the engine, named so tests and docs can refer to them.
MIN_INTERVAL = 10
MAX_TIMEOUT = 30
BODY_LIMIT = 64 * 1024
MESSAGE_LENGTH = 300
FLAP_CHANGES = 5
FLAP_WINDOW_SECONDS = 30 * 60
BATCH_SIZE = 1000
CONCURRENCY = 200
