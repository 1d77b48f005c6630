"""Performance shortcut: heartbeat pings answered in WSGI, before Django's middleware.

What it buys: a ping is one UPDATE, and the middleware stack (sessions, CSRF, auth,
CSP) and URL resolver around it cost more than the UPDATE. bench/monitoring_ping.py
(wrk against gunicorn, 2 workers, Postgres) measures about 2,700 pings/s through this
path against about 1,200/s through the Django view (monitoring/web/ping.py).

Same rules as the view: no auth, GET/POST/HEAD, the same service (check_ping), plain
text. Anything else goes to Django. monitoring/apps.py registers `with_fast_pings` with
itsm.performance.fast_paths, which itsm/config/wsgi.py applies; the core never
imports this module.
"""

import re
import uuid as uuid_module

from django.db import close_old_connections, connection

from monitoring.services.ping import check_ping
from monitoring.web.ping import METHODS

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
    """`django_app` with pings answered in front of it."""
    def application(environ, start_response):
        match = PING_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") not in METHODS:
            return django_app(environ, start_response)
        _request_boundary()
        try:
            found = check_ping(uuid=uuid_module.UUID(match[1]), action=match[2] or "")
        finally:
            _request_boundary()
        if not found:
            start_response("404 Not Found", PLAIN)
            return [b"Not found\n"]
        start_response("200 OK", PLAIN)
        return [b"OK\n"]

    return application
