"""Who gets the weekly summary e-mail: a manager turns it on or off for themselves, and an
admin edits anyone's subscription."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from itsm.models import User
from itsm.services.access import require_model_perm
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


@transaction.atomic
def subscription_save(*, actor: User | None,
                      subscription: ReportSubscription) -> ReportSubscription:
    """Create or change anyone's subscription as set on the instance (the admin does);
    `actor` needs the model permission, None is Tend itself."""
    require_model_perm(actor, subscription)
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, actor: User | None, subscription: ReportSubscription) -> None:
    """Delete a subscription: that person gets no weekly summary (as if turned off)."""
    require_model_perm(actor, subscription, "delete")
    subscription.delete()
