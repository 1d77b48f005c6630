"""Attempt limits in the shared cache: sign-in (web and API token) and password reset.

Every limiter keys on `limit_name(...)` of what the person typed, never on the raw
value. The key must never be finer than what authentication matches, or " dee",
"dee\\t" and "DEE" each get a fresh allowance for the same account: authentication
strips whitespace and NFKC-normalises the username (Django's UsernameField; the API
passes `sign_in_name()` to it), and a database may compare case-insensitively, so the
key also folds case. A coarser key only ever makes the limit stricter.
"""

import unicodedata

from django.conf import settings
from django.core.cache import cache

from itsm.services.sign_in_audit import rate_limited


def sign_in_name(raw) -> str:
    """The username exactly as authentication looks it up (stripped, NFKC)."""
    return unicodedata.normalize("NFKC", str(raw or "").strip())


def limit_name(raw) -> str:
    """The limiter key for a username or e-mail address (see the module docstring)."""
    return sign_in_name(raw).strip().casefold()[:254]


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") if request else ""


class AttemptLimiter:
    """Counts attempts per account and per client address; refuses at the limit.

    The per-address limit is four times wider: one office may share an address.
    """

    def __init__(self, request, name: str, *, scope: str, limit: int, window: int):
        self.limit, self.window = limit, window
        self.keys = [f"{scope}:user:{limit_name(name)}", f"{scope}:ip:{client_ip(request)}"]

    def blocked(self) -> bool:
        return (cache.get(self.keys[0], 0) >= self.limit
                or cache.get(self.keys[1], 0) >= self.limit * 4)

    def count(self) -> None:
        for key in self.keys:
            if not cache.add(key, 1, self.window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, self.window)

    def reset_account(self) -> None:
        cache.delete(self.keys[0])


class LoginLimiter(AttemptLimiter):
    """Failed sign-ins (web form and API token), per account and per address."""

    def __init__(self, request, username: str):
        self.request, self.name = request, username
        super().__init__(request, username, scope="login-fail",
                         limit=settings.TEND_LOGIN_ATTEMPTS,
                         window=settings.TEND_LOGIN_WINDOW_SECONDS)

    def blocked(self) -> bool:
        # Both callers (the sign-in form, the API's password exchange) refuse on True,
        # so this is where a refusal for too many attempts enters the audit log.
        refused = super().blocked()
        if refused:
            rate_limited(request=self.request, name=self.name)
        return refused

    def failed(self) -> None:
        self.count()

    def succeeded(self) -> None:
        self.reset_account()


class PasswordResetLimiter(AttemptLimiter):
    """Password reset requests (each one may send a mail), per address typed and per client."""

    def __init__(self, request, email: str):
        super().__init__(request, email, scope="password-reset",
                         limit=settings.TEND_PASSWORD_RESET_ATTEMPTS,
                         window=settings.TEND_PASSWORD_RESET_WINDOW_SECONDS)
