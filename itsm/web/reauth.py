"""Sensitive actions ask the person to confirm who they are (password or second factor).

`sensitive` wraps a view: a POST (or any method, with `get=True`) goes through only when
the person signed in or confirmed within TEND_REAUTH_MINUTES; otherwise allauth's
re-authentication page asks (password first, or their second factor) and then replays the
POST that was held. Someone with neither a password nor a second factor (a single sign-on
account) is signed out and signs in again through their provider. `SensitiveAdmin` does
the same for every add, change and delete in an admin (reading stays open); every
ServiceBackedAdmin (itsm/admin_base.py), so every admin that writes, has it.
TEND_REAUTH_MINUTES = 0 turns it off.
"""

import functools
import time

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

# Records allauth keeps in the session for a sign-in or a confirmation (flows/login.py).
CONFIRMING = {"password", "mfa", "socialaccount"}


def confirmed_recently(request) -> bool:
    minutes = settings.TEND_REAUTH_MINUTES
    if not minutes:
        return True
    records = get_authentication_records(request, request.user)
    last = max((r.get("at", 0) for r in records if r.get("method") in CONFIRMING), default=0)
    return time.time() - last < minutes * 60


def confirmation_needed(request):
    """None when the person confirmed recently; otherwise raises what makes allauth's
    middleware ask to re-authenticate (holding the POST), or, with no way to ask, the
    answer that signs them out to sign in again. For views that check permissions first."""
    if not request.user.is_authenticated or confirmed_recently(request):
        return None
    if get_adapter().get_reauthentication_methods(request.user):
        raise ReauthenticationRequired
    path = request.get_full_path()
    logout(request)
    messages.info(request, "Sign in again to confirm it is you, then repeat the change.")
    return redirect_to_login(path)


def sensitive(view=None, *, get: bool = False, when=None):
    """Decorate a view whose POST (or every request, `get=True`) is sensitive; `when`, a
    function of the request, narrows it (the token page: creating, not revoking)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            writes = get or request.method not in ("GET", "HEAD", "OPTIONS")
            if writes and (when is None or when(request)):
                answer = confirmation_needed(request)
                if answer is not None:
                    return answer
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


class SensitiveAdmin:
    """Put before admin.ModelAdmin: adding, changing and deleting ask to re-authenticate
    (a POST to the add, change or delete view, and the changelist's actions)."""

    def _confirm(self, request):
        return confirmation_needed(request) if request.method == "POST" else None

    def changeform_view(self, request, *args, **kwargs):
        return self._confirm(request) or super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._confirm(request) or super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._confirm(request) or super().changelist_view(request, *args, **kwargs)

    def user_change_password(self, request, *args, **kwargs):  # the user admin's own view
        return self._confirm(request) or super().user_change_password(request, *args, **kwargs)
