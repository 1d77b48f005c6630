"""Webhook settings: a Django setting of the same name wins, then the environment.

Read at call time so tests can change them with the `settings` fixture.
"""

from datetime import timedelta

from django.conf import settings

from monitoring.conf import _int

# After the first attempt fails, wait this long before the next one (about a day in all);
# the delivery fails after the last. The schedule Svix and the Standard Webhooks docs use.
BACKOFF = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
MAX_ATTEMPTS = len(BACKOFF) + 1


def secret_overlap() -> timedelta:
    """How long a rotated-out secret keeps signing (TEND_WEBHOOK_SECRET_OVERLAP_HOURS)."""
    return timedelta(hours=_int("TEND_WEBHOOK_SECRET_OVERLAP_HOURS", 24))


def disable_after() -> timedelta:
    """Failing this long with no success disables an endpoint (TEND_WEBHOOK_DISABLE_AFTER_HOURS)."""
    return timedelta(hours=_int("TEND_WEBHOOK_DISABLE_AFTER_HOURS", 24, minimum=1))


def timeout() -> float:
    """Seconds a receiver has to answer (TEND_WEBHOOK_TIMEOUT_SECONDS)."""
    return float(_int("TEND_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1))


def lease() -> timedelta:
    """A claim outlives the request's timeout, so a slow receiver is not sent to twice."""
    return timedelta(seconds=max(settings.TEND_LEASE_SECONDS, timeout() + 5))
