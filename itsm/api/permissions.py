"""API permission classes shared by every app's viewsets, in terms of the core's roles."""

from rest_framework import permissions


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
