from django import template
from django.utils.html import format_html

from tickets import sla_display
from tickets.sla import human

register = template.Library()


@register.simple_tag
def sla_badge(ticket, now=None):
    """<span> with the time left to the next SLA target, coloured by state."""
    b = sla_display.badge(ticket, now)
    return format_html('<span class="badge sla-badge {}" title="{}" data-sla-state="{}">{}</span>',
                       b.css, b.title, b.state, b.text)


@register.filter
def duration(value):
    """A business duration: hours, never days (a business day is not 24 hours)."""
    return "—" if value is None else human(value, days_too=False)
