"""The problems panel of the desk ticket page and the stage badge."""

from django import template

from problems.models import Stage
from problems.selectors import known_errors_for, problems_of_incident
from problems.services.access import can_manage
from tickets.models import Kind

register = template.Library()

STAGE_BADGES = {
    Stage.NEW: "text-bg-secondary", Stage.ASSESSING: "text-bg-info",
    Stage.RCA: "text-bg-primary", Stage.KNOWN_ERROR: "text-bg-warning",
    Stage.FIX_IN_PROGRESS: "text-bg-warning", Stage.RESOLVED: "text-bg-success",
    Stage.CLOSED: "text-bg-light border", Stage.DUPLICATE: "text-bg-light border",
    Stage.RISK_ACCEPTED: "text-bg-dark",
}


@register.filter
def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "text-bg-secondary")


@register.inclusion_tag("problems/_ticket_panel.html", takes_context=True)
def ticket_problems_panel(context, ticket):
    """On an incident: its problems, the known errors that match it, "Create problem";
    on a problem ticket: the link to its problem page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    own = None
    linked, known = [], []
    if ticket.kind == Kind.PROBLEM:
        from problems.models import Problem

        own = Problem.objects.filter(ticket=ticket).only("pk", "stage").first()
    elif ticket.kind == Kind.INCIDENT:
        linked = list(problems_of_incident(ticket))
        linked_ids = {p.pk for p in linked}
        known = [p for p in known_errors_for(ticket)[:3] if p.pk not in linked_ids]
    return {"ticket": ticket, "own": own, "linked": linked, "known": known,
            "can_manage": can_manage(user), "is_incident": ticket.kind == Kind.INCIDENT,
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("problems/_bulk_link_control.html", takes_context=True)
def bulk_link_control(context):
    """The queue's "Link to problem…": the open problems the ticked incidents may join."""
    from problems.models import OPEN_STAGES
    from problems.selectors import visible_problems

    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = can_manage(user)
    problems = (visible_problems(user).filter(stage__in=OPEN_STAGES).select_related("ticket")
                .only("pk", "ticket__kind", "ticket__number", "ticket__title")
                .order_by("-pk")[:100]) if allowed else []
    return {"problems": list(problems), "allowed": allowed}
