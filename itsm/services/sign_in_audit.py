"""Sign-ins, failed sign-ins and sign-outs into the audit log, from Django's auth signals.

Connected in itsm/apps.py. Django sends `user_logged_in` / `user_logged_out` from
`login()` / `logout()` and `user_login_failed` from `authenticate()`, whichever view
calls them: Django's own, allauth's login flow (its `adapter.login` is Django's `login`)
and DRF's AuthTokenSerializer (the API's password exchange). So every path that signs
someone in is heard here, and none of them has to remember to.

A refusal by the attempt limiter never reaches `authenticate()`: itsm/web/limits.py
reports it through `sign_in_refused(reason="rate_limited")`.
"""

import hashlib
import unicodedata

from django.contrib.auth import get_user_model
from django.core.cache import cache

from itsm.services.audit import audit_record

# Why a sign-in failed, as stored in detail["reason"] (labels for the page and CSV).
REASONS = {
    "bad_password": "wrong password",
    "unknown_account": "no such account",
    "inactive": "account deactivated",
    "rate_limited": "too many failed attempts",
}
# A blocked client may keep hammering: one "rate_limited" entry per name and address
# per minute says so without letting it write a row per request.
RATE_LIMITED_EVERY_SECONDS = 60


def sign_in_name(raw) -> str:
    # As itsm/web/limits.py and authentication see it (stripped, NFKC); not imported
    # from there, which imports this module.
    return unicodedata.normalize("NFKC", str(raw or "").strip())


def _surface(request) -> str:
    path = getattr(request, "path", "") or ""
    return "api" if path.startswith("/api/") else "web"


def _methods(request, user) -> dict:
    """How they proved who they are. allauth keeps the steps of this sign-in in the
    session ({"method": "password"}, {"method": "mfa", "type": "totp"}, {"method":
    "socialaccount", "provider": …}); without it, the backend that said yes."""
    session = getattr(request, "session", None)
    records = session.get("account_authentication_methods") if session is not None else None
    if isinstance(records, list) and records:
        steps = []
        for record in records:
            if isinstance(record, dict) and record.get("method"):
                extra = record.get("type") or record.get("provider")
                steps.append(f"{record['method']}:{extra}" if extra else str(record["method"]))
        if steps:
            return {"methods": steps}
    backend = getattr(user, "backend", "") or ""
    return {"backend": backend.rsplit(".", 1)[-1]} if backend else {}


def on_logged_in(sender, request=None, user=None, **kwargs) -> None:
    if user is None:
        return
    audit_record(action="sign_in", actor=user, request=request,
                 detail={"via": _surface(request), **_methods(request, user)})


def on_logged_out(sender, request=None, user=None, **kwargs) -> None:
    # Django sends it with user=None when nobody was signed in: nothing happened.
    if user is None or not getattr(user, "is_authenticated", False):
        return
    audit_record(action="sign_out", actor=user, request=request,
                 detail={"via": _surface(request)})


def _typed_name(credentials) -> str:
    if not isinstance(credentials, dict):
        return ""
    User = get_user_model()  # noqa: N806 - a class
    for key in (User.USERNAME_FIELD, "username", "login", "email"):
        if credentials.get(key):
            return sign_in_name(credentials[key])[:150]
    return ""


def _account(name: str):
    """The account the typed name points at, as authentication would find it."""
    if not name:
        return None
    User = get_user_model()  # noqa: N806 - a class
    found = (User._default_manager.filter(**{User.USERNAME_FIELD: name})
             .only("pk", "is_active").first())
    if found is None and "@" in name:  # allauth may sign in by e-mail address
        found = (User._default_manager.filter(email__iexact=name)
                 .only("pk", "is_active").order_by("pk").first())
    return found


def sign_in_refused(*, request, name: str, reason: str) -> None:
    """One failed sign-in: the name typed, why, from where. The entry names the account
    as its target when there is one; the actor stays empty (whoever typed it is unknown)."""
    account = _account(name)
    if reason == "bad_password" and account is None:
        reason = "unknown_account"
    elif reason == "bad_password" and not account.is_active:
        # Django refuses an inactive account before comparing passwords, so whether the
        # password was right is unknown here; the account's state is what matters.
        reason = "inactive"
    audit_record(action="sign_in_failed", actor_name=name, request=request,
                 target=f"user:{account.pk}" if account is not None else "",
                 detail={"reason": reason, "via": _surface(request)})


def on_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    sign_in_refused(request=request, name=_typed_name(credentials), reason="bad_password")


def rate_limited(*, request, name: str) -> None:
    """Called by the limiter each time it refuses; recorded once a minute per name and
    address (see RATE_LIMITED_EVERY_SECONDS)."""
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    who = hashlib.sha256(f"{sign_in_name(name).casefold()}|{ip}".encode()).hexdigest()
    key = f"audit-rate-limited:{who}"
    if cache.add(key, 1, RATE_LIMITED_EVERY_SECONDS):
        sign_in_refused(request=request, name=sign_in_name(name)[:150], reason="rate_limited")
