"""WSGI fast paths: requests answered before Django's middleware stack runs.

Some requests are so frequent and so simple that the middleware stack (sessions, CSRF,
auth, CSP) would cost more than the work: heartbeat pings are one UPDATE each, and go
through monitoring's fast path at 2,700 per second instead of a few hundred
(bench/monitoring_ping.py; README.md, "Benchmarks"). The core cannot import the apps that
own such paths, so each app registers its wrapper here from its AppConfig.ready(), and
itsm/config/wsgi.py wraps the Django application with every registered one, in order.
"""

from collections.abc import Callable

WSGIApp = Callable  # (environ, start_response) -> iterable of bytes
Wrapper = Callable[[WSGIApp], WSGIApp]

_wrappers: list[Wrapper] = []


def register(wrapper: Wrapper) -> Wrapper:
    """Add `wrapper` (takes a WSGI app, returns one); registering it twice is a no-op."""
    if wrapper not in _wrappers:
        _wrappers.append(wrapper)
    return wrapper


def wrap(application: WSGIApp) -> WSGIApp:
    """`application` wrapped by each registered wrapper in the order they were registered
    (so the last one registered sees a request first)."""
    for wrapper in _wrappers:
        application = wrapper(application)
    return application
