"""Who gets the weekly summary e-mail: a manager turns it on or off for themselves."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from itsm.models import User
from reports.models import ReportSubscription

PERMISSION = "tickets.view_reports"


@transaction.atomic
def weekly_subscription_set(*, actor: User, weekly: bool) -> ReportSubscription:
    """Turn the weekly summary on or off for `actor`, who must be allowed to see reports."""
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied("Reports are for managers.")
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=actor, defaults={"weekly": weekly})
    return subscription
