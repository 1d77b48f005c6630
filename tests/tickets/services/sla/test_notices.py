"""Escalation notices are leased one at a time, just before they are sent: a notifier
killed mid-run leaves one notice claimed for one lease, and nothing is sent twice."""

from datetime import timedelta

from django.core import mail

from itsm.services.notifications import lease, message_id
from tests.factories import UserFactory
from tickets.models import Escalation, EscalationRule
from tickets.models.sla import Trigger
from tickets.services.sla.notices import escalations_send
from tickets.services.sla.sweep import escalations_claim

from .test_sweep import p3_at, sweep_at, utc


def three_breaches(alice):
    dee = UserFactory(username="dee2", email="dee2@example.com", role="DSE")
    for _ in range(3):
        p3_at(utc(2026, 3, 9, 9, 0), alice, assignee=dee)
    EscalationRule.objects.create(name="Breach", trigger=Trigger.RESPONSE_BREACH,
                                  notify_assignee=True, business_hours_only=False)
    sweep_at(utc(2026, 3, 9, 13, 5))
    mail.outbox.clear()
    return utc(2026, 3, 9, 13, 6)


def _notices():
    return [m for m in mail.outbox if "breached" in m.subject]


def test_a_killed_notifier_leaves_one_notice_claimed_for_one_lease(alice):
    now = three_breaches(alice)
    assert Escalation.objects.filter(notified_at__isnull=True).count() == 3
    # A notifier claims the first notice and is killed before sending it.
    (stuck,) = escalations_claim(now=now)
    assert escalations_send(now=now + timedelta(seconds=5)) == 2  # the rest go at once
    assert len(_notices()) == 2
    assert not Escalation.objects.filter(notified_at__isnull=True).exclude(pk=stuck.pk).exists()
    assert escalations_send(now=now + timedelta(seconds=10)) == 0  # its lease is live
    assert escalations_send(now=now + lease() + timedelta(seconds=1)) == 1  # taken over
    assert len(_notices()) == 3
    assert not Escalation.objects.filter(notified_at__isnull=True).exists()


def test_a_notice_sent_but_not_marked_is_not_sent_again(alice):
    now = three_breaches(alice)
    assert escalations_send(now=now) == 3
    # Killed between the SMTP send and marking it: the mail is on record as sent.
    Escalation.objects.update(notified_at=None)
    assert escalations_send(now=now + lease() + timedelta(seconds=1)) == 3
    assert len(_notices()) == 3
    ids = {m.message()["Message-ID"] for m in _notices()}
    assert ids == {message_id(f"escalation:{pk}") for pk in Escalation.objects.values_list(
        "pk", flat=True)}
