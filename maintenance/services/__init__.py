"""Maintenance services: plans, occurrences, windows, advisories, step incidents; generation,
patching and ingest beside (import those modules by name)."""

from .access import require_agent  # noqa: F401
from .advisories import (  # noqa: F401
    advisory_create,
    advisory_delete,
    advisory_errors,
    advisory_update,
)
from .occurrences import occurrence_move, occurrence_skip  # noqa: F401
from .plans import (  # noqa: F401
    MAX_DURATION,
    MAX_LEAD_TIME,
    MAX_STEPS,
    SCHEDULE_FIELDS,
    plan_delete,
    plan_errors,
    plan_reschedule,
    plan_save,
    plan_set_active,
)
from .windows import MAX_WINDOW, window_delete, window_errors, window_save  # noqa: F401
from .work import step_incident_raise, work_step_tick  # noqa: F401
