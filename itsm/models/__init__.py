"""Core models: people, teams, services, assets, calendars, the notification log."""

from .core import (  # noqa: F401
    Asset,
    BusinessCalendar,
    ClosedDate,
    NotificationLog,
    Service,
    Team,
    User,
    WorkingPeriod,
)
