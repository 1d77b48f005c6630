"""What the admin does to a queued e-mail event that keeps failing (tickets.services.outbox):
set its attempts (0 sends it again on the sender's next run) or drop it."""

from django.db import transaction

from itsm.models import User
from itsm.services.access import require_model_perm
from tickets.models import PendingNotification


@transaction.atomic
def pending_notification_save(*, actor: User | None,
                              notification: PendingNotification) -> PendingNotification:
    """Store the attempts set on `notification`; nothing else of a queued event changes."""
    require_model_perm(actor, notification, "change")
    notification.full_clean()
    notification.save(update_fields=["attempts"])
    return notification


@transaction.atomic
def pending_notification_delete(*, actor: User | None,
                                notification: PendingNotification) -> None:
    """Drop the event: its e-mail is never sent."""
    require_model_perm(actor, notification, "delete")
    notification.delete()
