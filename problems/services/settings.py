"""Problem settings read from Django settings, with their defaults."""

from datetime import timedelta

from django.conf import settings

QUIET_DAYS_DEFAULT = 14


def quiet_period() -> timedelta:
    """How long a resolved problem waits without new incidents before it closes
    (TEND_PROBLEM_QUIET_DAYS, 14 days by default)."""
    return timedelta(days=int(getattr(settings, "TEND_PROBLEM_QUIET_DAYS", QUIET_DAYS_DEFAULT)))
