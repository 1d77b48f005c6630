"""Monitoring reads with rules: the board, a check's page, the status page; availability."""

from .availability import Availability, check_availability, service_availability  # noqa: F401
from .checks import (  # noqa: F401
    STATE_ORDER,
    board_checks,
    board_page,
    check_incidents,
    daily,
    hourly,
    latency_points,
    recent_results,
    state_changes,
    state_counts,
    status_page,
    upcoming_maintenance,
)
