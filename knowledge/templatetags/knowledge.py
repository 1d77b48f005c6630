"""Template helpers of the knowledge pages, and the panel on the desk ticket page:

    {% load knowledge %}
    {% ticket_articles_panel ticket %}   knowledge/_desk_ticket_panel.html, which knowledge
                                         registers on the desk ticket page (apps.py)
    {% ticket_suggestions_panel ticket %}  a slot that loads the articles that may answer
                                         the ticket, to insert into the reply or link
"""

from django import template

from knowledge import rules, selectors
from knowledge.models import Audience, Confidence
from tickets.models import Status

register = template.Library()

CONFIDENCE_BADGE = {
    Confidence.DRAFT: "text-bg-secondary",
    Confidence.NOT_VALIDATED: "text-bg-warning",
    Confidence.VALIDATED: "text-bg-success",
    Confidence.ARCHIVED: "text-bg-dark",
}
AUDIENCE_ICON = {
    Audience.INTERNAL: "bi-lock",
    Audience.CUSTOMERS: "bi-people",
    Audience.PUBLIC: "bi-globe",
}


@register.filter
def confidence_badge(value: str) -> str:
    return CONFIDENCE_BADGE.get(value, "text-bg-secondary")


@register.filter
def audience_icon(value: str) -> str:
    return AUDIENCE_ICON.get(value, "bi-question")


@register.inclusion_tag("knowledge/_ticket_articles.html", takes_context=True)
def ticket_articles_panel(context, ticket):
    request = context["request"]
    user = request.user
    return {
        "ticket": ticket,
        "articles": list(selectors.linked_articles(ticket, user)),
        "can_create": rules.can_write(user) and ticket.status in (Status.RESOLVED,
                                                                  Status.CLOSED),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.inclusion_tag("knowledge/_ticket_suggestions_slot.html")
def ticket_suggestions_panel(ticket):
    # A search costs about as much as the rest of the ticket page: it arrives after the
    # page (htmx, on load) from knowledge:desk_ticket_suggestions.
    return {"ticket": ticket}
