"""Signed-in answers: never stored by a browser or proxy, and sessions that end.

`NoStoreWhenSignedIn` marks every answer to a signed-in request (session or API token)
`Cache-Control: no-store` unless the view chose its own policy; /static/ is answered by
whitenoise before this runs. `SessionTimeout` signs a person out after
TEND_SESSION_IDLE_MINUTES without a request and TEND_SESSION_MAX_DAYS after sign-in.
It notes the last request in the session at most once a minute, so an active session
costs one session write a minute instead of one per request (SESSION_SAVE_EVERY_REQUEST).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError

SEEN_KEY = "_tend_seen"  # [user pk, signed in at, last request at], epoch seconds
NOTE_EVERY_SECONDS = 60


def _signed_in(request, *, unreachable: bool) -> bool:
    """Whether the request is signed in; `unreachable` if the database cannot say.

    A database outage must stay the view's 503 (itsm/web/errors.py), not become a 500 here.
    """
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except (DatabaseError, InterfaceError):
        return unreachable


class NoStoreWhenSignedIn:
    """`Cache-Control: no-store` on answers to signed-in requests without their own policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if ("Cache-Control" not in response.headers
                and _signed_in(request, unreachable=True)):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


class SessionTimeout:
    """Ends a signed-in session after an idle time and after an absolute age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "session") and _signed_in(request, unreachable=False):
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        now = time.time()
        idle = settings.TEND_SESSION_IDLE_MINUTES * 60
        seen = request.session.get(SEEN_KEY)
        if not seen or seen[0] != request.user.pk:
            request.session[SEEN_KEY] = [request.user.pk, now, now]
            return
        _, started, last = seen
        if (idle and now - last > idle) or now - started > settings.SESSION_COOKIE_AGE:
            logout(request)
            messages.info(request, "You were signed out after a while without activity. "
                                   "Sign in again to continue.")
            return
        if now - last >= NOTE_EVERY_SECONDS:
            request.session[SEEN_KEY] = [request.user.pk, started, now]
