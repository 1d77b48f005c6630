"""/ping/<uuid>, /ping/<uuid>/start, /ping/<uuid>/fail: heartbeats from cron jobs and agents.

No sign-in (the UUID is the secret), GET or POST, no CSRF (machines have no token).
One UPDATE and a plain-text answer: the dispatcher judges the heartbeat from the
columns this writes (a ping sets next_run_at to now so it is looked at within seconds).
"""

import re
import uuid as uuid_module

from django.db import close_old_connections, connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from monitoring.models import Check, Kind

# On Postgres the UPDATE turns off synchronous commit for its own transaction: the
# answer does not wait for the WAL flush (about 4 ms on an ordinary disk, which would
# cap each web worker at a few hundred pings a second). If Postgres itself crashes, at
# most the last fraction of a second of pings is lost; the job pings again next period.
# set_config(..., true) is local to the statement's transaction, so nothing leaks into
# the connection's later work.
PG_PING = (f"UPDATE {Check._meta.db_table} SET {{columns}} "  # noqa: S608 (fixed names)
           "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit "
           "WHERE uuid = %s AND kind = %s")


def _record(uuid, action: str, now) -> int:
    if action == "start":
        values = {"last_start_at": now}
    else:
        values = {"last_ping_at": now, "next_run_at": now,
                  "last_ping_kind": "fail" if action == "fail" else "success"}
    if connection.vendor != "postgresql":
        return Check.objects.filter(uuid=uuid, kind=Kind.HEARTBEAT).update(**values)
    columns = ", ".join(f"{name} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(PG_PING.format(columns=columns),
                       [*values.values(), uuid, Kind.HEARTBEAT.value])
        return cursor.rowcount


@csrf_exempt
def ping(request, uuid, action: str = ""):
    if request.method not in ("GET", "POST", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST", "HEAD"])
    if not _record(uuid, action, timezone.now()):
        return HttpResponse("Not found\n", status=404, content_type="text/plain")
    response = HttpResponse("OK\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


# A WSGI fast path for pings, for itsm/wsgi.py to wrap the Django application with:
#     application = with_fast_pings(get_wsgi_application())
# Same rules as the view (no auth, GET/POST/HEAD, one UPDATE, plain text), without the
# middleware stack and URL resolver a ping does not need. Anything else goes to Django.
PING_PATH = re.compile(r"^/ping/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{12})(?:/(start|fail))?/?$")
PLAIN = [("Content-Type", "text/plain"), ("Cache-Control", "no-store"),
         ("X-Content-Type-Options", "nosniff")]


def _request_boundary() -> None:
    # What Django does around each request: drop connections past CONN_MAX_AGE or broken.
    # Never inside a transaction (a test's): closing would end it.
    if not connection.in_atomic_block:
        close_old_connections()


def with_fast_pings(django_app):
    def application(environ, start_response):
        match = PING_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") not in ("GET", "POST", "HEAD"):
            return django_app(environ, start_response)
        _request_boundary()
        try:
            found = _record(uuid_module.UUID(match[1]), match[2] or "", timezone.now())
        finally:
            _request_boundary()
        if not found:
            start_response("404 Not Found", PLAIN)
            return [b"Not found\n"]
        start_response("200 OK", PLAIN)
        return [b"OK\n"]

    return application
