"""Monitoring models: checks with their state machine, results, rollups, state changes."""

from .check import (  # noqa: F401
    Check,
    CheckIncident,
    CheckResult,
    CheckRollup,
    CheckStateChange,
    IncidentMode,
    KeywordMode,
    Kind,
    Method,
)
from .states import MONITORED, Outcome, State  # noqa: F401
