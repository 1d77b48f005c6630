"""Running checks at a moved clock, the way the dispatcher does."""

from datetime import UTC, datetime, timedelta

import time_machine

from monitoring.services import dispatch

T0 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def minute(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def run_at(check, moment: datetime) -> dict:
    """One run of `check` planned (and run) at `moment`."""
    with time_machine.travel(moment, tick=False):
        return dispatch.checks_run_claimed(claims=[(check.pk, moment)])


def run_series(check, start: float, count: int) -> list[dict]:
    return [run_at(check, minute(start + i)) for i in range(count)]
