"""Writes with rules for one-off maintenance windows (announced downtime).

Windows a plan creates for its occurrences are written by generation.py and removed by
occurrences.py; these are the ones people announce on the desk, in the admin or the API.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, User
from maintenance.models import MaintenanceWindow
from maintenance.services.access import require_agent

MAX_WINDOW = timedelta(days=31)


def window_errors(window: MaintenanceWindow, *, services: list[Service],
                  assets: list[Asset]) -> dict:
    """Field → messages for a window as set on `window`; empty when it is good."""
    errors: dict[str, list[str]] = {}
    window.reason = (window.reason or "").strip()
    if not window.reason:
        errors["reason"] = ["Say what the maintenance is, e.g. “Mail server upgrade”."]
    if not window.starts_at:
        errors["starts_at"] = ["Give the start."]
    if not window.ends_at:
        errors["ends_at"] = ["Give the end."]
    elif window.starts_at and window.ends_at <= window.starts_at:
        errors["ends_at"] = ["The end must be after the start."]
    elif window.starts_at and window.ends_at - window.starts_at > MAX_WINDOW:
        errors["ends_at"] = ["A window lasts at most 31 days."]
    if not services and not assets:
        errors["services"] = ["Choose the services or assets it affects."]
    return errors


def window_save(*, window: MaintenanceWindow, actor: User | None, services: list[Service],
                assets: list[Asset], now: datetime | None = None) -> MaintenanceWindow:
    """Create or change a one-off window (fields already set on `window`)."""
    require_agent(actor)
    errors = window_errors(window, services=services, assets=assets)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if window.pk is None:
            window.created_by = actor
            window.created_at = now or timezone.now()
        window.save()
        window.services.set(services)
        window.assets.set(assets)
    return window


@transaction.atomic
def window_delete(*, window: MaintenanceWindow, actor: User | None) -> None:
    require_agent(actor)
    window.delete()
