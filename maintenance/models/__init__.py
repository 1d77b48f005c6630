"""Maintenance models: plans, occurrences and windows; patches and advisories."""

from .patch import (  # noqa: F401
    OPEN_PATCH_STATES,
    SEVERITY_PRIORITY,
    SEVERITY_RANK,
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    PatchPolicy,
    PatchState,
    Severity,
    Software,
)
from .plan import (  # noqa: F401
    MaintenancePlan,
    Occurrence,
    OccurrenceChange,
    PlanKind,
    PlanStep,
    StepIncident,
)
from .window import MaintenanceWindow, WindowQuerySet  # noqa: F401
