"""Core models: people, teams, services, assets, calendars, notifications, tokens, the
audit log and sign-in policies."""

from .asset_token import AssetToken  # noqa: F401
from .audit import AuditEntry  # noqa: F401
from .calendars import BusinessCalendar, ClosedDate, WorkingPeriod  # noqa: F401
from .catalog import Asset, Service  # noqa: F401
from .notifications import NotificationLog  # noqa: F401
from .people import Team, User  # noqa: F401
from .person_token import ApiToken  # noqa: F401
from .sign_in_policy import SignInPolicy  # noqa: F401
