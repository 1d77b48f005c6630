"""Report reads on a streaming replica, when REPORTS_DATABASE_URL names one.

Reports read a lot and write nothing, so a hot standby can carry them. Only the reads made
inside `figures()` go there (the router below asks a context variable, not the model: the
same Ticket table is read by the desk, which must see its own writes at once). The replica
is asked at most every PROBE_SECONDS whether it is up and how far behind it is:

- down (or it dies in the middle of a report): the report is read again from the primary,
  and the replica is not tried again until the next probe;
- behind by more than TEND_REPORTS_LAG_NOTICE_SECONDS: the figures are served from it all
  the same, and the page says "figures as of" the last change it has replayed.
"""

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils import timezone

log = logging.getLogger(__name__)

ALIAS = "reports"
PROBE_SECONDS = 10
T = TypeVar("T")

_reading: ContextVar[str | None] = ContextVar("reports_reading", default=None)


@dataclass(frozen=True)
class Freshness:
    """Where the figures came from; `as_of` is set only when they are noticeably old."""

    source: str  # "primary" or "replica"
    as_of: datetime | None = None


@dataclass
class _Probe:
    at: float = 0.0
    up: bool = False
    lag: timedelta | None = None


_probe = _Probe()
_lock = threading.Lock()


def configured() -> bool:
    return ALIAS in connections.settings


def _measure() -> tuple[bool, timedelta | None]:
    connection = connections[ALIAS]
    try:
        with connection.cursor() as cursor:
            # Caught up when everything received has been replayed: an idle primary sends
            # nothing, and the last replayed commit then only looks old.
            cursor.execute(
                "SELECT pg_is_in_recovery(),"
                " pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),"
                " now() - pg_last_xact_replay_timestamp()")
            recovering, caught_up, behind = cursor.fetchone()
    except (OperationalError, InterfaceError) as error:
        log.warning("Reports replica unavailable, reading the primary: %s", error)
        connection.close()
        return False, None
    if not recovering or caught_up or behind is None:
        return True, None
    return True, behind


def _state(now_monotonic: float | None = None) -> _Probe:
    clock = time.monotonic() if now_monotonic is None else now_monotonic
    with _lock:
        if clock - _probe.at >= PROBE_SECONDS:
            _probe.up, _probe.lag = _measure()
            _probe.at = clock
        return _Probe(_probe.at, _probe.up, _probe.lag)


def forget() -> None:
    """Probe again on the next report (tests, and after the replica failed mid-report)."""
    with _lock:
        _probe.at = 0.0


def _mark_down() -> None:
    with _lock:
        _probe.up, _probe.lag, _probe.at = False, None, time.monotonic()
    connections[ALIAS].close()


def figures(build: Callable[[], T]) -> tuple[T, Freshness]:
    """Run `build` (which reads the report's figures) on the replica if it is up, else on
    the primary; the second value says which and how fresh."""
    if not configured():
        return build(), Freshness("primary")
    state = _state()
    if not state.up:
        return build(), Freshness("primary")
    token = _reading.set(ALIAS)
    try:
        result = build()
    except (OperationalError, InterfaceError) as error:
        log.warning("Reports replica failed during a report, reading the primary: %s", error)
        _mark_down()
        _reading.reset(token)
        token = None
        return build(), Freshness("primary")
    finally:
        if token is not None:
            _reading.reset(token)
    as_of = None
    notice = settings.TEND_REPORTS_LAG_NOTICE_SECONDS
    if state.lag is not None and state.lag.total_seconds() > notice:
        as_of = timezone.now() - state.lag
    return result, Freshness("replica", as_of)


class ReportsRouter:
    """Sends the reads made inside `figures()` to the replica; everything else, and every
    write and migration, to the primary."""

    def db_for_read(self, model, **hints):
        return _reading.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
