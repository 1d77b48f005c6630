"""Template filters for SLA figures (business durations)."""

from django import template

from tickets.sla import human

register = template.Library()


@register.filter
def duration(value):
    """A business duration: hours, never days (a business day is not 24 hours)."""
    return "—" if value is None else human(value, days_too=False)
