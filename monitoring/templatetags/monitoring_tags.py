"""Template filters of the monitoring pages: state badges, durations, chart data."""

import json

from django import template

from monitoring.models.states import describe_duration

register = template.Library()

STATE_BADGES = {
    "up": "text-bg-success", "degraded": "text-bg-warning", "pending": "text-bg-warning",
    "down": "text-bg-danger", "paused": "text-bg-secondary", "unknown": "text-bg-light border",
}
SERVICE_STATES = {
    "operational": ("text-bg-success", "Operational", "bi-check-circle-fill"),
    "degraded": ("text-bg-warning", "Degraded", "bi-exclamation-triangle-fill"),
    "outage": ("text-bg-danger", "Outage", "bi-x-octagon-fill"),
    "maintenance": ("text-bg-info", "Maintenance", "bi-tools"),
    "unknown": ("text-bg-light border", "No data", "bi-question-circle"),
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-light border")


@register.filter
def service_badge(state: str) -> str:
    return SERVICE_STATES.get(state, SERVICE_STATES["unknown"])[0]


@register.filter
def service_label(state: str) -> str:
    return SERVICE_STATES.get(state, SERVICE_STATES["unknown"])[1]


@register.filter
def service_icon(state: str) -> str:
    return SERVICE_STATES.get(state, SERVICE_STATES["unknown"])[2]


@register.filter
def seconds(value) -> str:
    """A number of seconds (or a timedelta) in words: "90 s", "12 min", "3 h 5 min"."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "total_seconds"):
        value = value.total_seconds()
    return describe_duration(float(value))


@register.filter
def ms(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


@register.filter
def percent(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}%"


@register.filter
def chart_json(spec: dict, latency=None) -> str:
    """A chart spec as JSON for a data-spec attribute (autoescaping makes it safe there);
    `latency` adds a sparkline above an uptime bar."""
    if latency:
        spec = {**spec, "latency": latency}
    return json.dumps(spec, separators=(",", ":"))
