"""Template helpers for maintenance pages, and the checklist panel of a work item:

    {% load maintenance %}
    {% work_item_panel ticket %}      maintenance/_desk_ticket_panel.html, which maintenance
                                      registers on the desk ticket page (apps.py)

The planned-maintenance banner of every page is maintenance.web.context_processors.

Times in a plan's own zone: wrap them in {% load tz %}{% timezone plan.time_zone %}.
"""

from datetime import timedelta

from django import template

from itsm import durations
from maintenance import selectors

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    if not value:
        return "—"
    return durations.human(value)


@register.filter
def outcome_badge(outcome: str) -> str:
    return selectors.Outcome.BADGES.get(outcome, "text-bg-light border")


@register.filter
def outcome_label(outcome: str) -> str:
    return selectors.Outcome.LABELS.get(outcome, outcome)


@register.filter
def severity_badge(severity: str) -> str:
    return {"critical": "text-bg-danger", "high": "text-bg-warning", "medium": "text-bg-info",
            "low": "text-bg-light border"}.get(severity, "text-bg-light border")


@register.filter
def patch_state_badge(state: str) -> str:
    return {"missing": "text-bg-warning", "scheduled": "text-bg-info",
            "installed": "text-bg-success", "failed": "text-bg-danger",
            "deferred": "text-bg-secondary", "not_applicable": "text-bg-light border",
            }.get(state, "text-bg-light border")


@register.filter
def percent_class(value) -> str:
    if value is None:
        return "text-body-secondary"
    return "text-success" if value >= 95 else "text-warning-emphasis" if value >= 80 \
        else "text-danger"


@register.inclusion_tag("maintenance/_work_item_panel.html", takes_context=True)
def work_item_panel(context, ticket):
    from maintenance.web.desk.work import panel_context

    request = context["request"]
    result = panel_context(request.user, ticket)
    result["request"] = request
    result["csrf_token"] = context.get("csrf_token")
    return result
