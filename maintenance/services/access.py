"""Who may change maintenance: the one service-side check the maintenance services share."""

from itsm.models import User
from itsm.services.access import require_agent as core_require_agent


def require_agent(actor: User | None) -> None:
    """Refuse an actor who is not a support engineer; `None` is Tend itself (sweeps, imports)."""
    core_require_agent(actor, message="Only support engineers can change maintenance.")
