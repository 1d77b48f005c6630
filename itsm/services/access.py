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
