from rest_framework import permissions


class ConfigPermission(permissions.DjangoModelPermissions):
    """Configuration records: support staff and managers read, admins (model perms) write."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return request.user.sees_all_tickets
        return super().has_permission(request, view)
