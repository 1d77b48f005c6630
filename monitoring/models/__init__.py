"""Monitoring models: checks with their state machine, results, rollups, state changes
and the availability spans kept from them."""

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
from .spans import BEGINNING, FOREVER, CheckSpan, ServiceSpan, micros  # noqa: F401
from .states import MONITORED, Outcome, State  # noqa: F401
