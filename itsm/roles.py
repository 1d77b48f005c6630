"""Roles are Django groups with permissions, created by tickets/migrations/0003.

Code asks for permissions (`user.has_perm("tickets.work_ticket")`), never for group
names, so an admin can build other roles from the same permissions.
"""

END_USER = "End user"
DSE = "DSE"
MANAGER = "Manager"
ADMIN = "Admin"
ALL = (END_USER, DSE, MANAGER, ADMIN)

def has_perm_cached(user, perm: str) -> bool:
    # Django caches the permission set on the user object after the first call.
    return bool(user.is_authenticated and user.is_active and user.has_perm(perm))
