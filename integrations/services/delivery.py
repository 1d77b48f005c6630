"""Sending deliveries: claim, POST, record; at least once, under the same webhook-id.

1. The claim takes pending deliveries that are due and that no live lease holds, of
   enabled endpoints, with SELECT … FOR UPDATE SKIP LOCKED on Postgres (a guarded UPDATE
   on SQLite), and sets `claimed_until` in that transaction.
2. The POST happens outside any transaction (integrations/http.py: netguard, no redirects,
   timeout, 1 KB excerpt), signed at the attempt's time with the endpoint's secrets.
3. The outcome is recorded in one transaction guarded by the lease we took: an Attempt
   row, the delivery's next state (backoff from conf.BACKOFF, then failed), and the
   endpoint's health (410 Gone, or failing for conf.disable_after(), disables it).

A worker killed between 1 and 3 leaves the lease to run out; the next sweep takes the
delivery over and sends it again with the same id and body, so a receiver that got the
first request can deduplicate on webhook-id. Kill test: tests/integrations/test_kill.py.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from integrations import conf, http, signing
from integrations.models import Attempt, Delivery, DeliveryStatus, Endpoint
from itsm.services.audit import audit_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    claimed_until: datetime


def deliveries_claim(*, now: datetime | None = None, ids: list[int] | None = None,
                     batch: int = 100) -> list[Claim]:
    """Claim due deliveries (all, or only `ids`) that no live lease holds."""
    now = now or timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    with transaction.atomic():
        rows = Delivery.objects.filter(free, status=DeliveryStatus.PENDING,
                                       next_attempt_at__lte=now, endpoint__enabled=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        rows = rows.order_by("next_attempt_at", "pk")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claims = []
        until = now + conf.lease()
        for pk, held in rows.values_list("pk", "claimed_until")[:batch]:
            # Row locked on Postgres; on SQLite the guard makes a second claimer update 0.
            if Delivery.objects.filter(pk=pk, claimed_until=held,
                                       status=DeliveryStatus.PENDING).update(
                    claimed_until=until):
                claims.append(Claim(pk, until))
    return claims


def secrets_for(endpoint: Endpoint, *, now: datetime) -> list[str]:
    """The secrets signing now: the current one, and the previous during its overlap."""
    keys = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and \
            endpoint.previous_secret_until > now:
        keys.append(endpoint.previous_secret)
    return keys


def delivery_send(*, claim: Claim, now: datetime | None = None) -> http.Sent | None:
    """POST one claimed delivery and record what came of it (None: no longer ours)."""
    delivery = Delivery.objects.select_related("endpoint").filter(
        pk=claim.delivery_id, claimed_until=claim.claimed_until).first()
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    signed_at = now or timezone.now()
    body = delivery.body.encode()
    headers = signing.headers(secrets_for(endpoint, now=signed_at), msg_id=delivery.msg_id,
                              timestamp=int(signed_at.timestamp()), body=body)
    sent = http.send(endpoint.url, body=body, headers=headers, timeout=conf.timeout())
    delivery_record(claim=claim, sent=sent, now=now)
    return sent


def delivery_record(*, claim: Claim, sent: http.Sent, now: datetime | None = None) -> bool:
    """Record an attempt and move the delivery on; False if the claim is no longer ours."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(
            pk=claim.delivery_id, claimed_until=claim.claimed_until).first()
        if delivery is None:
            return False
        Attempt.objects.create(delivery=delivery, attempted_at=now, status_code=sent.status_code,
                               latency_ms=sent.latency_ms, excerpt=sent.excerpt,
                               error=sent.error, succeeded=sent.ok)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = sent.status_code
        delivery.claimed_until = None
        if sent.ok:
            delivery.status, delivery.finished_at, delivery.next_attempt_at = (
                DeliveryStatus.SUCCEEDED, now, None)
        elif delivery.attempts >= conf.MAX_ATTEMPTS or sent.status_code == 410:
            delivery.status, delivery.finished_at, delivery.next_attempt_at = (
                DeliveryStatus.FAILED, now, None)
        else:
            delivery.next_attempt_at = now + conf.BACKOFF[delivery.attempts - 1]
        delivery.save(update_fields=["attempts", "last_attempt_at", "last_status_code",
                                     "claimed_until", "status", "finished_at",
                                     "next_attempt_at"])
        if delivery.status == DeliveryStatus.FAILED:
            audit_record(action="webhook_delivery_failed", target=f"webhook:{delivery.endpoint_id}",
                         detail={"delivery": delivery.pk, "msg_id": delivery.msg_id,
                                 "event": delivery.event, "attempts": delivery.attempts,
                                 "status_code": sent.status_code, "error": sent.error},
                         now=now)
        _health(delivery.endpoint_id, sent=sent, now=now)
    return True


def _health(endpoint_id: int, *, sent: http.Sent, now: datetime) -> None:
    from integrations.services.endpoints import endpoint_disable

    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
    if sent.ok:
        if endpoint.failing_since is not None:
            Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return
    if endpoint.failing_since is None:
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
        endpoint.failing_since = now
    if not endpoint.enabled:
        return
    if sent.status_code == 410:
        endpoint_disable(endpoint=endpoint, now=now,
                         reason="The receiver answered 410 Gone: it no longer wants these.")
    elif now - endpoint.failing_since >= conf.disable_after():
        hours = int(conf.disable_after().total_seconds() // 3600)
        endpoint_disable(endpoint=endpoint, now=now,
                         reason=f"Every attempt failed for {hours} h "
                                f"(last: {sent.error or f'HTTP {sent.status_code}'})."[:300])


def deliveries_dispatch(*, now: datetime | None = None, ids: list[int] | None = None,
                        batch: int = 100) -> dict:
    """Claim and send: the task for one delivery (`ids`) and the beat sweep (all due).
    Sequential: a receiver's timeout bounds each; the sweep runs again in 10 s."""
    report = {"claimed": 0, "succeeded": 0, "failed": 0}
    for claim in deliveries_claim(now=now, ids=ids, batch=batch):
        report["claimed"] += 1
        try:
            sent = delivery_send(claim=claim, now=now)
        except Exception:  # one broken row never stops the sweep; its lease runs out
            log.exception("Webhook delivery %s could not be sent", claim.delivery_id)
            continue
        if sent is not None:
            report["succeeded" if sent.ok else "failed"] += 1
    return report
