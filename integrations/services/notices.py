"""Telling admins that an endpoint was disabled: one mail per disabling, through the
core's at-least-once mail (itsm.services.notifications), keyed so a retry sends nothing twice."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from integrations.models import Endpoint
from itsm.models import User
from itsm.services.notifications import notification_send_once


def admin_addresses() -> list[str]:
    """Whoever may manage webhooks: the Admin role's permission, and superusers."""
    users = User.objects.filter(is_active=True).filter(
        Q(pk__in=User.objects.with_perm("integrations.change_endpoint")) | Q(is_superuser=True))
    return sorted({user.email for user in users if user.email})


def endpoint_disabled_notify(*, endpoint_id: int, key: str) -> bool:
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.enabled:  # deleted, or re-enabled before the mail left
        return False
    url = settings.TEND_BASE_URL.rstrip("/") + reverse("integrations:webhook",
                                                       args=[endpoint.pk])
    return notification_send_once(
        key=key, to=admin_addresses(), subject=f"Webhook disabled: {endpoint.name}",
        template="webhook_disabled",
        context={"endpoint": endpoint, "url": url, "reason": endpoint.disabled_reason})
