"""Monitoring services: checks; dispatch, incidents, rollups, availability spans and pings
beside."""

from .checks import (  # noqa: F401
    CONFIG_FIELDS,
    SCHEDULE_FIELDS,
    TEST_TIMEOUT,
    check_create,
    check_delete,
    check_pause,
    check_resume,
    check_test,
    check_update,
)
