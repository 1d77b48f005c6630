"""SIGKILL a real Celery worker mid-delivery: the delivery's claim is a lease.

The worker dies while the receiver holds its request open (it got the message, no answer
went back, nothing was recorded). After the lease, the next sweep's claim takes the
delivery over and sends it again under the same webhook-id and body: at least once, and
the receiver can deduplicate on the id.
"""

import pytest
from standardwebhooks.webhooks import Webhook

from integrations.models import Attempt, Delivery, DeliveryStatus, Endpoint
from integrations.services.endpoints import endpoint_save
from integrations.services.outbox import delivery_create
from tests.killing import Broker, kill, worker_process
from tests.waiting import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.transactional,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SWEEP = "integrations.tasks.sweep"


def test_a_worker_killed_mid_delivery_leaves_it_to_the_next_claim(
        redis_url, postgres, receiver, ada, tmp_path, monkeypatch):
    # The wake-up after commit is lost (as with a broker down): only the sweep sends.
    monkeypatch.setattr("integrations.services.outbox.enqueue", lambda delivery_id: None)
    endpoint = endpoint_save(endpoint=Endpoint(), actor=ada, name="Receiver", url=receiver.url,
                             events=["ticket.created"])
    delivery = delivery_create(endpoint=endpoint, name="ticket.created", data={"n": 1})
    (tmp_path / "mail").mkdir()
    # A 1 s timeout makes the lease 6 s (timeout + 5), so the takeover comes quickly.
    options = {"redis_url": redis_url, "mail_dir": tmp_path / "mail", "lease": 1,
               "env": {"TEND_WEBHOOK_TIMEOUT_SECONDS": "1"}}
    broker = Broker(redis_url)
    receiver.hold.set()
    try:
        with worker_process(**options) as first:
            broker.wait_for_worker()
            broker.send(SWEEP)

            def the_receiver_has_it():
                return len(receiver.received) == 1

            wait_for(the_receiver_has_it)
            kill(first)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
        assert delivery.claimed_until is not None and not Attempt.objects.exists()
        receiver.hold.clear()

        with worker_process(**options) as second:
            broker.wait_for_worker()

            def delivered_by_the_next_claim():
                broker.send(SWEEP)  # as beat would, every 10 s
                return Delivery.objects.filter(pk=delivery.pk,
                                               status=DeliveryStatus.SUCCEEDED).exists()

            wait_for(delivered_by_the_next_claim, seconds=30, every=0.5)
            assert second.poll() is None
    finally:
        broker.close()
    first_try, second_try = receiver.received
    assert first_try.headers["webhook-id"] == second_try.headers["webhook-id"] == delivery.msg_id
    assert first_try.body == second_try.body
    Webhook(endpoint.secret).verify(second_try.body, second_try.headers)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and Attempt.objects.filter(delivery=delivery).count() == 1
