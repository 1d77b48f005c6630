"""Maintenance services: plans, occurrences, windows; generation, patching and ingest beside."""

from .plans import (  # noqa: F401
    MAX_DURATION,
    MAX_LEAD_TIME,
    MAX_STEPS,
    MAX_WINDOW,
    SCHEDULE_FIELDS,
    check_agent,
    occurrence_move,
    occurrence_skip,
    plan_errors,
    plan_save,
    plan_set_active,
    reschedule,
    window_delete,
    window_save,
)
