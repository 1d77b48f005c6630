"""The check every service that changes work runs first: is the actor a support engineer?"""

from django.core.exceptions import PermissionDenied

from itsm.models import User

AGENT_ONLY = "Only support engineers can do this."


def require_agent(actor: User | None, *, message: str = AGENT_ONLY) -> None:
    """Raise PermissionDenied(`message`) unless `actor` works tickets (DSE, admin).

    None is Tend itself (sweeps, generated work, seeding) and is always allowed.
    """
    if actor is not None and not actor.is_agent:
        raise PermissionDenied(message)


def require_perm(actor: User | None, perm: str) -> None:
    """Raise PermissionDenied unless `actor` has `perm` ("app_label.codename").

    None is Tend itself (seeding, sweeps) and is always allowed. Pages that already check
    (the admin does) still pass the signed-in user: a service never trusts its caller.
    """
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(f"Not allowed: {perm}.")


def require_model_perm(actor: User | None, obj, action: str | None = None) -> None:
    """`require_perm` for Django's model permission `action` ("add", "change", "delete")
    on `obj`'s model; no action: "add" for an unsaved `obj`, "change" for a saved one."""
    opts = obj._meta
    action = action or ("change" if obj.pk is not None else "add")
    require_perm(actor, f"{opts.app_label}.{action}_{opts.model_name}")
