"""Proposal reads: support staff (DSEs, managers, admins) see them; nobody else does."""

from django.db.models import Prefetch, QuerySet

from itsm.models import User
from problems.models import Proposal
from tickets.models import Ticket


def visible_proposals(user: User | None) -> QuerySet[Proposal]:
    if not (user is not None and user.is_authenticated and user.sees_all_tickets):
        return Proposal.objects.none()
    return Proposal.objects.all()


def proposals_for_list(user: User | None, *, status: str | None = Proposal.Status.OPEN,
                       ) -> QuerySet[Proposal]:
    """Newest first, with what a list shows in a fixed number of queries; `status=None`
    is every status."""
    queryset = visible_proposals(user)
    if status:
        queryset = queryset.filter(status=status)
    return (queryset.select_related("asset", "service", "category", "check_ref", "problem",
                                    "problem__ticket", "decided_by")
            .prefetch_related(Prefetch("incidents", queryset=Ticket.objects.only(
                "pk", "kind", "number", "title", "created_at", "status")
                .order_by("created_at", "pk")))
            .order_by("-updated_at", "-pk"))
