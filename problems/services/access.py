"""Who may work problems: problems.manage_problem (DSEs and admins, migration 0002)."""

from django.core.exceptions import PermissionDenied

from itsm.models import User

MANAGE_PERMISSION = "problems.manage_problem"


def can_manage(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and user.has_perm(MANAGE_PERMISSION))


def require_manager(actor: User | None) -> None:
    """Refuse an actor who may not work problems; `None` is Tend itself (sweeps)."""
    if actor is not None and not can_manage(actor):
        raise PermissionDenied("Only support engineers and admins work problems.")
