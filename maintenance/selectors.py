"""Reads with rules for proactive maintenance. Monitoring calls `window_covering`."""

from datetime import datetime


def window_covering(*, service_id: int | None, asset_id: int | None, at: datetime):
    """The maintenance window open at `at` that covers this service or asset, or None."""
    return None


def windows_overlapping(*, service_ids, asset_ids, start: datetime, end: datetime) -> list:
    """Windows that overlap [start, end) for any of these services or assets."""
    return []
