"""Queued e-mail events in the admin: attempts can be reset (the sender tries again) or the
event dropped; nothing else of the row changes, and only admins may do either."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_ticket
from tickets.models import PendingNotification
from tickets.services.pending import pending_notification_delete, pending_notification_save


@pytest.fixture
def stuck(alice):
    make_ticket(alice)
    row = PendingNotification.objects.get()
    PendingNotification.objects.filter(pk=row.pk).update(attempts=10, last_error="SMTP down")
    return PendingNotification.objects.get(pk=row.pk)


def test_resetting_attempts_keeps_the_rest_of_the_row(ada, stuck):
    stuck.attempts = 0
    stuck.event = "reply"  # in memory only
    pending_notification_save(actor=ada, notification=stuck)
    row = PendingNotification.objects.get(pk=stuck.pk)
    assert (row.attempts, row.event, row.last_error) == (0, "created", "SMTP down")


def test_a_negative_attempt_count_is_refused(ada, stuck):
    stuck.attempts = -1
    with pytest.raises(ValidationError) as refused:
        pending_notification_save(actor=ada, notification=stuck)
    assert "attempts" in refused.value.message_dict
    assert PendingNotification.objects.get(pk=stuck.pk).attempts == 10


def test_dropping_an_event_and_who_may(ada, dee, stuck):
    with pytest.raises(PermissionDenied):
        pending_notification_delete(actor=dee, notification=stuck)
    with pytest.raises(PermissionDenied):
        pending_notification_save(actor=dee, notification=stuck)
    pending_notification_delete(actor=ada, notification=stuck)
    assert not PendingNotification.objects.exists()
