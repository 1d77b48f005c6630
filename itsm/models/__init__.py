"""Core models: people, teams, services, assets, calendars, the notification log."""

from .asset_token import AssetToken  # noqa: F401
from .calendars import BusinessCalendar, ClosedDate, WorkingPeriod  # noqa: F401
from .catalog import Asset, Service  # noqa: F401
from .notifications import NotificationLog  # noqa: F401
from .people import Team, User  # noqa: F401
from .person_token import ApiToken  # noqa: F401
