"""The mail panel of the desk ticket page: who else is on the conversation, and the mail
that came in for the ticket (each opens its message page), with the state badges."""

from django import template
from django.utils.safestring import mark_safe

from inbound.models import State
from inbound.selectors import ticket_messages
from itsm.markdown import sanitize_html
from tickets.selectors import ticket_participants

register = template.Library()

STATE_BADGES = {
    State.RECEIVED: "text-bg-secondary", State.PROCESSED: "text-bg-success",
    State.FAILED: "text-bg-danger", State.HELD: "text-bg-warning",
    State.IGNORED: "text-bg-light border",
}
SHOWN = 10  # the newest mails; the timeline has every reply anyway


@register.filter
def mail_state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-secondary")


@register.filter
def mail_html(markup: str) -> str:
    """A received mail's HTML, through the Markdown sanitizer once more as it is shown
    (never trusting that it was sanitized when parsed)."""
    return mark_safe(sanitize_html(markup or ""))  # noqa: S308 - sanitized just now


@register.inclusion_tag("inbound/_ticket_panel.html", takes_context=True)
def ticket_mail_panel(context, ticket):
    request = context.get("request")
    user = getattr(request, "user", None)
    mails = list(ticket_messages(ticket).order_by("-received_at", "-id")[:SHOWN + 1])
    return {"ticket": ticket, "participants": list(ticket_participants(ticket)),
            "mails": mails[:SHOWN], "more_mails": len(mails) > SHOWN,
            "can_work": bool(user and user.is_agent), "csrf_token": context.get("csrf_token")}
