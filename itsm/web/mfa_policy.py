"""Who must have a second factor, and the middleware that sends them to enrol.

A role requires one when its SignInPolicy row says so; a role without a row falls back to
TEND_MFA_REQUIRED_ROLES. A superuser counts as an admin. Someone whose role requires a
second factor and who has none enrolled reaches the desk, the reports and the admin only
after enrolling: those paths redirect to the enrolment page with a message. Everything
else (the portal, their account pages, sign-out, the API with a token) stays open, so
they can enrol and end users are never pushed. With no role requiring it the check costs
no query (the policies are cached configuration).
"""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, InterfaceError
from django.http import JsonResponse
from django.shortcuts import redirect

from itsm import roles
from itsm.models import SignInPolicy
from itsm.performance.config_cache import config

GUARDED = ("/desk/", "/reports/", "/admin/")
# The API with the browser's session is the desk by other means; a token call has no
# session user here (DRF authenticates it in the view), so scripts are not affected.
GUARDED_API = "/api/"
SESSION_KEY = "tend_mfa_ok_until"
# A passed check is remembered this long in the session: the desk's pages then cost no
# query for it. A factor removed or a role added applies within this time.
REMEMBER_SECONDS = 60
# The kinds that sign someone in as a second step; recovery codes only back them up.
FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@config("itsm.SignInPolicy")
def _policies() -> dict[str, bool]:
    return dict(SignInPolicy.objects.values_list("role", "mfa_required"))


def roles_requiring_mfa() -> frozenset[str]:
    policies = _policies()
    defaults = {role.strip() for role in settings.TEND_MFA_REQUIRED_ROLES if role.strip()}
    required = {role for role in defaults if role not in policies}
    return frozenset(required | {role for role, needed in policies.items() if needed})


def mfa_required(user) -> bool:
    """Whether `user`'s role requires a second factor (no query when no role does)."""
    required = roles_requiring_mfa()
    if not required or not user.is_authenticated:
        return False
    if user.is_superuser and roles.ADMIN in required:
        return True
    return user.groups.filter(name__in=required).exists()


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=FACTORS).exists()


def missing_second_factor(user) -> bool:
    """Whose role needs a second factor and who has none yet: no desk, no new tokens."""
    return mfa_required(user) and not has_second_factor(user)


def password_alone_refused(user) -> bool:
    """The API's password exchange carries no second factor, so it is refused to anyone
    who has one or whose role needs one: they make tokens on the Tokens page."""
    return has_second_factor(user) or mfa_required(user)


class RequireSecondFactor:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        guarded = path.startswith(GUARDED)
        if (guarded or path.startswith(GUARDED_API)) and self._must_enrol(request):
            if not guarded:
                return JsonResponse({"detail": "Your role needs a second factor: set one "
                                               "up at /accounts/2fa/ before using the API "
                                               "from the browser."}, status=403)
            messages.warning(request, "Your role needs a second factor before you can open "
                                      "the desk, the reports or the admin. Set up an "
                                      "authenticator app or a security key below.")
            return redirect("mfa_index")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        try:
            return RequireSecondFactor._check(request)
        except (DatabaseError, InterfaceError):
            return False  # an outage stays the view's 503 (itsm/web/errors.py)

    @staticmethod
    def _check(request) -> bool:
        user = getattr(request, "user", None)
        # Loading the session's user may be the request's first query.
        if user is None or not user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        now = time.time()
        if session is not None and session.get(SESSION_KEY, 0) > now:
            return False
        if not mfa_required(user):
            return False  # cached configuration: no query, nothing to remember
        if has_second_factor(user):
            if session is not None:
                session[SESSION_KEY] = now + REMEMBER_SECONDS
            return False
        return True
