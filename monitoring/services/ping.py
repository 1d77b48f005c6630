"""Heartbeat pings: record that a job pinged (`check_ping`), in one UPDATE.

The dispatcher judges a heartbeat from the columns this writes; a ping sets
next_run_at to now so the check is looked at within seconds. Both ways in call this:
the Django view (monitoring/web/ping.py) and the WSGI fast path
(monitoring/web/ping_fast_path.py).

One statement, so no transaction.atomic around it: the UPDATE is atomic on its own, and
a BEGIN/COMMIT pair would triple the round trips of the busiest write Tend has.
"""

from datetime import datetime
from uuid import UUID

from django.db import connection
from django.utils import timezone

from monitoring.models import Check, Kind

ACTIONS = ("", "start", "fail")

# Performance shortcut: synchronous_commit off, for this statement's transaction only.
# On Postgres a ping's answer then does not wait for the WAL flush (about 4 ms on an
# ordinary disk, which would cap each web worker at a few hundred pings a second; with
# it, 2,700 pings/s on 2 workers, bench/monitoring_ping.py). If Postgres itself crashes,
# at most the last fraction of a second of pings is lost; the job pings again next
# period. set_config(..., true) is local to the statement's transaction, so nothing
# leaks into the connection's later work.
ASYNC_COMMIT_PING = (f"UPDATE {Check._meta.db_table} SET {{columns}} "  # noqa: S608
                     "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit "
                     "WHERE uuid = %s AND kind = %s")


def check_ping(*, uuid: UUID, action: str = "", now: datetime | None = None) -> bool:
    """Record a ping ("" = success, "start" or "fail") for the heartbeat with this UUID.

    False when no heartbeat check has that UUID.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown ping action {action!r}")
    now = now or timezone.now()
    if action == "start":
        values = {"last_start_at": now}
    else:
        values = {"last_ping_at": now, "next_run_at": now,
                  "last_ping_kind": "fail" if action == "fail" else "success"}
    if connection.vendor != "postgresql":
        return bool(Check.objects.filter(uuid=uuid, kind=Kind.HEARTBEAT).update(**values))
    columns = ", ".join(f"{name} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(ASYNC_COMMIT_PING.format(columns=columns),
                       [*values.values(), uuid, Kind.HEARTBEAT.value])
        return bool(cursor.rowcount)
