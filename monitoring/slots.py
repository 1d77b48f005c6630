"""When a check runs: slots at a stable offset inside its interval, never drifting.

A check with interval I and offset O runs at every moment t with t ≡ O (mod I), counted
from the Unix epoch. The offset comes from the check's UUID, so ten thousand checks with
the same interval spread over it instead of firing on the same second, and a check keeps
its second across restarts. The dispatcher moves a check on from its *planned* slot, so
a slow run never shifts the schedule (no drift); slots missed while nothing ran are
skipped, not run in a burst (no pile-up).
"""

import uuid as uuid_module
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def offset_ms(check_uuid: uuid_module.UUID, interval_s: int) -> int:
    return check_uuid.int % (interval_s * 1000)


def _ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _at(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def slot_at_or_after(moment: datetime, interval_s: int, offset: int) -> datetime:
    """The first slot at or after `moment`."""
    period = interval_s * 1000
    ms = -((EPOCH - moment) // timedelta(milliseconds=1))  # rounded up: never before it
    k = -((offset - ms) // period)  # ceil((ms - offset) / period)
    return _at(k * period + offset)


def slot_at_or_before(moment: datetime, interval_s: int, offset: int) -> datetime:
    period = interval_s * 1000
    return _at((_ms(moment) - offset) // period * period + offset)


def plan(next_run_at: datetime, now: datetime, interval_s: int, offset: int
         ) -> tuple[datetime, datetime]:
    """(the slot to run now, the slot after it) for a check claimed at `now`.

    A slot more than one interval in the past means slots were missed (workers were
    down): run the latest of them only.
    """
    planned = next_run_at
    if planned < now - timedelta(seconds=interval_s):
        planned = slot_at_or_before(now, interval_s, offset)
    following = planned + timedelta(seconds=interval_s)
    return planned, following


def hour_of(moment: datetime) -> datetime:
    """The start of the hour `moment` is in (the key of its hourly rollup)."""
    return moment.replace(minute=0, second=0, microsecond=0)
