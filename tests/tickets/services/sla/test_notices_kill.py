"""SIGKILL a real worker while it sends escalation notices: the rest go out at once on
restart, the interrupted one after its lease, none twice except as the same message."""

from unittest import mock

import pytest

from itsm.models import NotificationLog
from itsm.services.notifications import message_id
from tests.killing import Broker, kill, message_ids, worker_process
from tests.waiting import wait_for
from tickets import tasks
from tickets.models import Escalation, EscalationRule
from tickets.models.sla import Trigger

from .test_sweep import p3_at, sweep_at, utc

TASK = "tickets.tasks.send_escalations"
LEASE = 10  # longer than a worker takes to restart: the new one first finds the claim live


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_run_delays_one_notice_by_one_lease_at_most(
        redis_url, postgres, alice, dee, tmp_path):
    for _ in range(8):
        p3_at(utc(2020, 3, 9, 9, 0), alice, assignee=dee)
    EscalationRule.objects.create(name="Breach", trigger=Trigger.RESPONSE_BREACH,
                                  notify_assignee=True, business_hours_only=False)
    with mock.patch.object(tasks.send_escalations, "delay"):  # the worker sends, not we
        sweep_at(utc(2020, 3, 9, 13, 5))
    expected = {message_id(f"escalation:{pk}") for pk in Escalation.objects.values_list(
        "pk", flat=True)}
    assert len(expected) == 8
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    broker = Broker(redis_url)
    worker = {"redis_url": redis_url, "mail_dir": mail_dir, "lease": LEASE, "delay": 0.15}
    try:
        with worker_process(**worker) as first:
            broker.send(TASK)

            def a_notice_out_and_the_next_claimed_but_not_sent():
                return message_ids(mail_dir) and NotificationLog.objects.filter(
                    claimed_at__isnull=False, sent_at__isnull=True).exists()

            wait_for(a_notice_out_and_the_next_claimed_but_not_sent, every=0.02)
            kill(first)
        before = len(message_ids(mail_dir))
        assert before < 8
        with worker_process(**worker):
            broker.send(TASK)

            def all_but_the_interrupted_one_sent():  # at once, not after the lease
                return len(message_ids(mail_dir)) >= 7

            wait_for(all_but_the_interrupted_one_sent)
            # …while the interrupted one's lease still stands: nobody waited for it.
            assert NotificationLog.objects.filter(
                claimed_at__isnull=False, sent_at__isnull=True).count() == 1

            def every_notice_marked():  # as beat would, run the notifier again
                broker.send(TASK)
                return not Escalation.objects.filter(notified_at__isnull=True).exists()

            wait_for(every_notice_marked, seconds=25, every=0.5)
    finally:
        broker.close()
    sent = message_ids(mail_dir)
    assert set(sent) == expected
    assert not NotificationLog.objects.filter(sent_at__isnull=True).exists()
    doubled = [mid for mid, count in sent.items() if count > 1]
    assert len(doubled) <= 1 and all(count <= 2 for count in sent.values())
    for mid in doubled:
        assert NotificationLog.objects.filter(last_error__contains=mid).exists()
