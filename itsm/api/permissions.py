"""API permission classes shared by every app's viewsets, in terms of the core's roles."""

from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

from itsm.web.reauth import confirmed_recently


class ConfigPermission(permissions.DjangoModelPermissions):
    """Configuration records: support staff and managers read, admins (model perms) write."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return request.user.sees_all_tickets
        return super().has_permission(request, view)


class StaffReadAgentWrite(permissions.BasePermission):
    """Support staff and managers read; support engineers and admins write."""

    message = "Only support staff can see this, and only support engineers change it."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return user.sees_all_tickets
        return user.is_agent


class ConfirmedRecently(permissions.BasePermission):
    """A sensitive change made with the browser's session (not with a token) needs a
    sign-in or confirmation within TEND_REAUTH_MINUTES, as the same change on the pages
    does (itsm/web/reauth.py). A token is its own credential: making it asked already.
    A view narrows the methods with `reauth_methods` (making a token, not revoking one)."""

    message = ("Confirm it is you first: open /accounts/reauthenticate/ in the browser, or "
               "call with an API token.")

    def has_permission(self, request, view):
        methods = getattr(view, "reauth_methods", ("POST", "PUT", "PATCH", "DELETE"))
        if request.method not in methods:
            return True
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        return confirmed_recently(request)
