"""Send-once e-mail: a claim is a lease, taken over when it expires; duplicates are the
same message (one Message-ID per key); subjects are always one line."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from itsm.models import NotificationLog
from itsm.services.notifications import (
    SendBusy,
    lease,
    mail_subject,
    message_id,
    notification_send_once,
)
from tests.factories import make_ticket
from tickets.models import PendingNotification
from tickets.services import outbox

pytestmark = pytest.mark.django_db


def send(key="reply:1", now=None, subject="Hello"):
    return notification_send_once(key=key, to=["a@example.com"], subject=subject,
                                  template="reply_to_requester",
                                  context={"ticket": None, "comment": None}, now=now)


def test_a_mail_goes_once_with_a_stable_message_id():
    assert send() is True
    assert send() is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == message_id("reply:1")
    assert message_id("reply:1") == message_id("reply:1") != message_id("reply:2")


def test_a_live_claim_by_another_worker_is_busy_and_an_expired_one_is_taken_over():
    now = timezone.now()
    # A worker claimed the mail and died before sending it.
    NotificationLog.objects.create(key="reply:1", recipients="a@example.com",
                                   subject="Hello", claimed_at=now, attempts=1)
    with pytest.raises(SendBusy):
        send(now=now + lease() - timedelta(seconds=1))
    assert mail.outbox == []
    assert send(now=now + lease() + timedelta(seconds=1)) is True
    entry = NotificationLog.objects.get(key="reply:1")
    assert entry.sent_at is not None and entry.attempts == 2
    # The takeover is on record, with the Message-ID a duplicate would carry.
    assert message_id("reply:1") in entry.last_error
    assert len(mail.outbox) == 1


def test_an_outbox_row_stays_while_its_mail_is_claimed_and_goes_once_sent(alice):
    ticket = make_ticket(alice)
    now = timezone.now()
    keys = [f"created:{ticket.pk}:requester"]
    NotificationLog.objects.create(key=keys[0], recipients="alice@example.com",
                                   subject="x", claimed_at=now, attempts=1)
    mail.outbox.clear()
    outbox.notifications_send_pending(now=now + timedelta(seconds=5))
    row = PendingNotification.objects.get(ticket=ticket)
    assert row.attempts == 0  # not a failure: another worker holds the lease
    outbox.notifications_send_pending(now=now + lease() + timedelta(seconds=1))
    assert not PendingNotification.objects.filter(ticket=ticket).exists()
    assert [m.to for m in mail.outbox if "We received" in m.subject] == [["alice@example.com"]]


@pytest.mark.parametrize("title", ["Printer\nbroken", "Printer\r\nbroken", "Printer\u2028broken",
                                   "Printer\tbroken ", "Printer\x85\u2029broken"])
def test_a_subject_is_one_line_whatever_the_title(title):
    assert mail_subject(f"[INC-1] New: {title}") == "[INC-1] New: Printer broken"
    assert send(subject=title) is True
    assert mail.outbox[0].message()["Subject"] == "Printer broken"
