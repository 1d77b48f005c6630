"""Roles, and the capabilities the core asks about (is this user an agent? staff?).

Roles are Django groups with permissions (created by tickets/migrations/0003). Code asks
for permissions, never for group names, so an admin can build other roles from the same
permissions. The core does not know which app owns those permissions: the app defines
each capability in its AppConfig.ready() (`define_capability(AGENT, "tickets.work_ticket")`),
and `User.is_agent`, the desk decorators and the agent pickers read it from here.
"""

END_USER = "End user"
DSE = "DSE"
MANAGER = "Manager"
ADMIN = "Admin"
ALL = (END_USER, DSE, MANAGER, ADMIN)

# Capabilities: what the core asks about a user.
AGENT = "agent"  # works tickets and other work items (DSE, admin)
STAFF = "staff"  # sees every ticket and the desk (DSE, manager, admin)
REPORTS = "reports"  # reads the manager reports

_capabilities: dict[str, str] = {}


def define_capability(capability: str, perm: str) -> None:
    """Say which permission ("app_label.codename") grants `capability`."""
    _capabilities[capability] = perm


def permission_for(capability: str) -> str | None:
    """The permission granting `capability`, or None while no app has defined it."""
    return _capabilities.get(capability)


def has_perm_cached(user, perm: str) -> bool:
    # Django caches the permission set on the user object after the first call.
    return bool(user.is_authenticated and user.is_active and user.has_perm(perm))


def can(user, capability: str) -> bool:
    """Whether `user` has `capability`; nobody has one that no app defined."""
    perm = _capabilities.get(capability)
    return perm is not None and has_perm_cached(user, perm)
