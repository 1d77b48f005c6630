"""Deliveries to a real receiver, verified with the reference `standardwebhooks` library:
signatures, rotation overlap, retries under one id, the backoff schedule, disabling."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations import conf, signing
from integrations.models import Delivery, DeliveryStatus, Endpoint
from integrations.services import delivery as sending
from integrations.services.endpoints import endpoint_rotate_secret, endpoint_save
from integrations.services.outbox import delivery_create
from itsm.models import AuditEntry

pytestmark = pytest.mark.django_db


def queue(endpoint, *, now=None, name="ticket.created"):
    return delivery_create(endpoint=endpoint, name=name, data={"ticket": {"ref": "INC-1"}},
                           now=now)


def test_a_delivery_verifies_with_the_reference_library(endpoint, receiver):
    delivery = queue(endpoint)
    assert sending.deliveries_dispatch() == {"claimed": 1, "succeeded": 1, "failed": 0}
    [got] = receiver.received
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"] == "Tend-Webhooks/1"
    assert got.headers["webhook-id"] == delivery.msg_id and delivery.msg_id.startswith("msg_")
    payload = Webhook(endpoint.secret).verify(got.body, got.headers)
    assert payload["type"] == "ticket.created" and payload["data"] == {"ticket": {"ref": "INC-1"}}
    assert got.body == delivery.body.encode()  # the frozen body, byte for byte
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code == 200 and attempt.succeeded and attempt.excerpt == "ok"


def test_a_tampered_body_and_an_expired_timestamp_are_refused(endpoint, receiver):
    queue(endpoint)
    sending.deliveries_dispatch()
    [got] = receiver.received
    hook = Webhook(endpoint.secret)
    tampered = got.body.replace(b"INC-1", b"INC-2")
    with pytest.raises(WebhookVerificationError, match="signature"):
        hook.verify(tampered, got.headers)
    # Signed ten minutes ago (a replay): the library's five-minute tolerance refuses it.
    old = int((timezone.now() - timedelta(minutes=10)).timestamp())
    replayed = {**got.headers, **signing.headers([endpoint.secret], msg_id=got.headers[
        "webhook-id"], timestamp=old, body=got.body)}
    with pytest.raises(WebhookVerificationError, match="too old"):
        hook.verify(got.body, replayed)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(got.body, got.headers)


def test_during_a_rotation_both_secrets_verify_and_after_it_only_the_new(endpoint, receiver,
                                                                          ada):
    old_secret = endpoint.secret
    new_secret = endpoint_rotate_secret(endpoint=endpoint, actor=ada)
    assert new_secret != old_secret and new_secret.startswith("whsec_")
    queue(endpoint)
    sending.deliveries_dispatch()
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(got.body, got.headers)
    Webhook(new_secret).verify(got.body, got.headers)
    assert AuditEntry.objects.filter(action="webhook_secret_rotated",
                                     target=f"webhook:{endpoint.pk}").exists()

    later = timezone.now() + conf.secret_overlap() + timedelta(seconds=1)
    endpoint.refresh_from_db()
    assert sending.secrets_for(endpoint, now=later) == [new_secret]


def test_retries_keep_the_id_and_follow_the_backoff_then_fail(endpoint, receiver):
    receiver.answers(500, body=b"x" * 5000)
    start = timezone.now()
    delivery = queue(endpoint, now=start)
    now = start
    for attempt, wait in enumerate(conf.BACKOFF, start=1):
        assert sending.deliveries_dispatch(now=now)["failed"] == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt and delivery.status == DeliveryStatus.PENDING
        assert delivery.next_attempt_at == now + wait
        # Not due a moment before: nothing is claimed.
        assert sending.deliveries_dispatch(now=now + wait - timedelta(seconds=1))[
            "claimed"] == 0
        now += wait
    assert sum(conf.BACKOFF, timedelta()) >= timedelta(hours=24)  # "about a day"
    sending.deliveries_dispatch(now=now)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == conf.MAX_ATTEMPTS
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.msg_id}
    assert len(receiver.received) == conf.MAX_ATTEMPTS
    assert all(len(a.excerpt.encode()) <= 1024 for a in delivery.attempt_log.all())
    assert AuditEntry.objects.filter(action="webhook_delivery_failed").count() == 1


def test_410_gone_disables_the_endpoint_at_once_and_tells_the_admins(
        endpoint, receiver, ada, django_capture_on_commit_callbacks):
    receiver.answers(410)
    delivery = queue(endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        sending.deliveries_dispatch()
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert not endpoint.enabled and "410" in endpoint.disabled_reason
    assert delivery.status == DeliveryStatus.FAILED
    assert AuditEntry.objects.filter(action="webhook_disabled").count() == 1
    [notice] = mail.outbox
    assert notice.to == [ada.email] and endpoint.name in notice.subject
    # A disabled endpoint gets nothing more: its due deliveries wait.
    queue(endpoint)
    assert sending.deliveries_dispatch()["claimed"] == 0


def test_an_endpoint_failing_for_a_day_is_disabled(endpoint, receiver):
    receiver.answers(503)
    start = timezone.now()
    queue(endpoint, now=start)
    sending.deliveries_dispatch(now=start)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since == start
    # A success in between resets the clock.
    receiver.answers(200)
    queue(endpoint, now=start + timedelta(hours=1))
    sending.deliveries_dispatch(now=start + timedelta(hours=1))
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None
    receiver.answers(503)
    queue(endpoint, now=start + timedelta(hours=2))
    sending.deliveries_dispatch(now=start + timedelta(hours=2))
    queue(endpoint, now=start + timedelta(hours=25))
    sending.deliveries_dispatch(now=start + timedelta(hours=25, seconds=59))
    endpoint.refresh_from_db()
    assert endpoint.enabled  # 23 h 59 s of failing only
    queue(endpoint, now=start + timedelta(hours=26))
    sending.deliveries_dispatch(now=start + timedelta(hours=26))
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "24 h" in endpoint.disabled_reason


def test_re_enabling_resumes_what_waited(endpoint, receiver, ada):
    receiver.answers(410)
    queue(endpoint)
    sending.deliveries_dispatch()
    receiver.answers(200)
    waiting = queue(endpoint, now=timezone.now())
    endpoint = Endpoint.objects.get(pk=endpoint.pk)
    endpoint_save(endpoint=endpoint, actor=ada, enabled=True)
    endpoint.refresh_from_db()
    assert endpoint.enabled and not endpoint.disabled_reason and endpoint.disabled_at is None
    assert sending.deliveries_dispatch()["succeeded"] == 1
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.SUCCEEDED


def test_a_live_claim_is_not_taken_and_an_expired_one_is(endpoint, receiver):
    delivery = queue(endpoint)
    now = timezone.now()
    [claim] = sending.deliveries_claim(now=now)
    assert sending.deliveries_claim(now=now) == []
    [again] = sending.deliveries_claim(now=now + conf.lease() + timedelta(seconds=1))
    assert again.delivery_id == delivery.pk
    # The first worker's late answer is no longer ours: it records nothing.
    assert sending.delivery_send(claim=claim) is None
    assert sending.delivery_send(claim=again).ok
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.msg_id]


def test_network_errors_and_refused_addresses_are_attempts_not_crashes(endpoint, settings):
    endpoint.url = "http://127.0.0.1:9/hook"  # discard port: nothing listens
    endpoint.save()
    queue(endpoint)
    assert sending.deliveries_dispatch()["failed"] == 1
    attempt = Delivery.objects.get().attempt_log.get()
    assert attempt.status_code is None and "unreachable" in attempt.error
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    Delivery.objects.update(next_attempt_at=timezone.now())
    sending.deliveries_dispatch()
    last = Delivery.objects.get().attempt_log.last()
    assert last.status_code is None and "refused" in last.error


def test_a_redirect_is_not_followed(endpoint, receiver):
    receiver.answers(302)
    queue(endpoint)
    assert sending.deliveries_dispatch()["failed"] == 1
    assert len(receiver.received) == 1


def test_the_body_is_the_standard_envelope(endpoint):
    delivery = queue(endpoint)
    body = json.loads(delivery.body)
    assert set(body) == {"type", "timestamp", "data"}
