"""Who sees which problem, and the problems a ticket meets at triage (the banner)."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from itsm.filters import MAX_ID
from itsm.models import User
from problems.models import Problem, Stage
from tickets.models import Ticket

KNOWN_ERROR_STAGES = (Stage.KNOWN_ERROR, Stage.FIX_IN_PROGRESS)


def visible_problems(user: User) -> QuerySet[Problem]:
    """Every problem for support staff (DSEs, managers, admins); nothing for anyone else."""
    if not (user and user.is_authenticated and user.is_active and user.sees_all_tickets):
        return Problem.objects.none()
    return Problem.objects.all()


def problems_for_list(user: User) -> QuerySet[Problem]:
    """Visible problems with what a list shows, in a fixed number of queries."""
    return (visible_problems(user)
            .select_related("ticket", "ticket__team", "ticket__assignee", "article",
                            "fix_plan", "fix_ticket", "duplicate_of__ticket")
            .prefetch_related("services", "assets", "incident_links__incident")
            .annotate(incident_count=Count("incident_links", distinct=True))
            .defer("ticket__description", "ticket__search"))


def get_visible_problem(user: User, pk) -> Problem:
    """The problem `pk` if `user` may see it; 404 otherwise."""
    wellformed = str(pk).isdigit() and 0 < int(pk) <= MAX_ID
    problem = problems_for_list(user).filter(pk=pk).first() if wellformed else None
    if problem is None:
        raise Http404("No such problem.")
    return problem


def known_errors_for(ticket: Ticket) -> QuerySet[Problem]:
    """Open known errors whose services or assets match the ticket's service or asset (the
    banner with the workaround at triage); the ticket's own problem aside."""
    match = Q()
    if ticket.service_id:
        match |= Q(services=ticket.service_id)
    if ticket.asset_id:
        match |= Q(assets=ticket.asset_id)
    if not match:
        return Problem.objects.none()
    return (Problem.objects.filter(match, stage__in=KNOWN_ERROR_STAGES)
            .exclude(ticket_id=ticket.pk).select_related("ticket", "article").distinct()
            .order_by("-known_error_at", "-pk"))


def problems_of_incident(incident: Ticket) -> QuerySet[Problem]:
    """The problems an incident is linked to, newest first."""
    return (Problem.objects.filter(incident_links__incident=incident)
            .select_related("ticket").order_by("-created_at", "-pk"))
