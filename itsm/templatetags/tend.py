"""{% load tend %}: Markdown, query-string links and the status and priority badges."""

from django import template
from django.utils.http import urlencode

from itsm.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for sort and page links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.filter
def status_badge(status: str) -> str:
    return {
        "new": "text-bg-primary", "in_progress": "text-bg-info", "waiting": "text-bg-warning",
        "on_hold": "text-bg-secondary", "resolved": "text-bg-success",
        "closed": "text-bg-light border", "cancelled": "text-bg-light border",
    }.get(status, "text-bg-secondary")


@register.filter
def priority_badge(priority: int) -> str:
    return {1: "text-bg-danger", 2: "text-bg-warning", 3: "text-bg-info",
            4: "text-bg-light border"}.get(priority, "text-bg-light")


@register.filter
def files_chosen(form) -> bool:
    """Whether the user sent files with this form. In a template `form.files` is the form's
    field named "files" (always there), not the files sent: ask here instead."""
    return bool(getattr(form, "files", None))
