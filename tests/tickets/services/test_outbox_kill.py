"""SIGKILL a real worker mid-way through the outbox: no notification lost, none doubled
except detectably (the same Message-ID), no outbox row dropped before its mail went."""

import pytest
from django.core.cache import cache

from itsm.models import NotificationLog
from itsm.services.notifications import message_id
from tests.factories import make_ticket
from tests.killing import Broker, kill, message_ids, worker_process
from tests.waiting import wait_for
from tickets.models import PendingNotification
from tickets.services import outbox

TASK = "tickets.tasks.send_pending_notifications"
LEASE = 8  # longer than a worker takes to restart: the new one first finds the claim live


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_batch_loses_no_notification(redis_url, postgres, alice, tmp_path):
    cache.set(outbox.WAKE_KEY, 1, 600)  # this process only queues; the worker sends
    tickets = [make_ticket(alice, title=f"Printer {n}") for n in range(8)]
    expected = {message_id(f"created:{t.pk}:requester") for t in tickets}
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    broker = Broker(redis_url)
    try:
        with worker_process(redis_url=redis_url, mail_dir=mail_dir, lease=LEASE) as first:
            broker.send(TASK)

            def a_mail_out_and_the_next_claimed_but_not_sent():
                return message_ids(mail_dir) and NotificationLog.objects.filter(
                    claimed_at__isnull=False, sent_at__isnull=True).exists()

            wait_for(a_mail_out_and_the_next_claimed_but_not_sent, every=0.02)
            kill(first)  # between a mail's claim and its send (the backend is slow)
        assert len(message_ids(mail_dir)) < len(expected)
        assert PendingNotification.objects.exists()
        with worker_process(redis_url=redis_url, mail_dir=mail_dir, lease=LEASE):

            def the_outbox_is_empty():  # as beat would, run the sender again and again
                broker.send(TASK)
                return not PendingNotification.objects.exists()

            wait_for(the_outbox_is_empty, seconds=25, every=0.5)
    finally:
        broker.close()
    sent = message_ids(mail_dir)
    assert expected <= set(sent)
    assert not NotificationLog.objects.filter(sent_at__isnull=True).exists()
    assert set(sent) == {message_id(key) for key in
                         NotificationLog.objects.values_list("key", flat=True)}
    # At most the one mail the kill interrupted went twice, and then as the same message,
    # with the takeover on record.
    doubled = [mid for mid, count in sent.items() if count > 1]
    assert len(doubled) <= 1 and all(count <= 2 for count in sent.values())
    for mid in doubled:
        assert NotificationLog.objects.filter(last_error__contains=mid).exists()
