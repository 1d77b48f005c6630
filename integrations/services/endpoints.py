"""Admins manage webhook endpoints: save, delete, rotate the secret, disable, enable, ping,
and redeliver. Every change is audited ("webhook:<id>") in the same transaction."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrations import conf, http, signing
from integrations.models import Delivery, DeliveryStatus, Endpoint
from integrations.services.outbox import TEST_EVENT, delivery_create, enqueue
from itsm.events import EVENTS
from itsm.services.audit import audit_record
from tickets.models import Kind, Priority

FIELDS = ("name", "url", "description", "events", "kinds", "priorities", "enabled")


def _target(endpoint: Endpoint) -> str:
    return f"webhook:{endpoint.pk}"


def validate(*, name: str, url: str, events: list, kinds: list, priorities: list) -> None:
    """Field → messages, as forms and the API show them."""
    errors = {}
    if not (name or "").strip():
        errors["name"] = ["Give the endpoint a name."]
    problem = http.check_url(url or "")
    if problem:
        errors["url"] = [problem]
    unknown = sorted(set(events or []) - set(EVENTS))
    if not events:
        errors["events"] = ["Pick at least one event."]
    elif unknown:
        errors["events"] = [f"Unknown events: {', '.join(map(str, unknown))}."]
    bad_kinds = sorted(set(kinds or []) - set(Kind.values), key=str)
    if bad_kinds:
        errors["kinds"] = [f"Unknown kinds: {', '.join(map(str, bad_kinds))}."]
    bad_priorities = sorted(set(priorities or []) - set(Priority.values), key=str)
    if bad_priorities:
        errors["priorities"] = [f"Unknown priorities: {', '.join(map(str, bad_priorities))}."]
    if errors:
        raise ValidationError(errors)


def endpoint_save(*, endpoint: Endpoint, actor, request=None, teams=None, services=None,
                  now: datetime | None = None, **changes) -> Endpoint:
    """Create (endpoint without pk: a new secret) or change an endpoint."""
    now = now or timezone.now()
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not an endpoint field: {', '.join(sorted(unknown))}")
    creating = endpoint.pk is None
    was_enabled = creating or endpoint.enabled
    for field, value in changes.items():
        setattr(endpoint, field, value)
    endpoint.events = sorted(set(endpoint.events or []))
    endpoint.kinds = sorted(set(endpoint.kinds or []))
    endpoint.priorities = sorted(set(endpoint.priorities or []))
    validate(name=endpoint.name, url=endpoint.url, events=endpoint.events,
             kinds=endpoint.kinds, priorities=endpoint.priorities)
    re_enabled = not creating and endpoint.enabled and not was_enabled
    with transaction.atomic():
        if creating:
            endpoint.secret = signing.new_secret()
            endpoint.created_by = actor if actor and actor.is_authenticated else None
            endpoint.created_at = now
        if re_enabled:
            endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
        elif was_enabled and not endpoint.enabled:
            endpoint.disabled_at, endpoint.disabled_reason = now, "Disabled by an admin."
        endpoint.updated_at = now
        endpoint.save()
        if teams is not None:
            endpoint.teams.set(teams)
        if services is not None:
            endpoint.services.set(services)
        if re_enabled:  # what waited while it was off is due now
            _resume(endpoint, now=now)
        audit_record(action="webhook_created" if creating else "webhook_changed", actor=actor,
                     target=_target(endpoint), request=request,
                     detail={"name": endpoint.name, "url": endpoint.url,
                             "fields": sorted(changes) + (["teams"] if teams is not None else [])
                             + (["services"] if services is not None else [])},
                     now=now)
    return endpoint


def _resume(endpoint: Endpoint, *, now: datetime) -> None:
    waiting = list(Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
                   .values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=now, claimed_until=None)
    for pk in waiting:
        transaction.on_commit(lambda pk=pk: enqueue(pk))


def endpoint_delete(*, endpoint: Endpoint, actor, request=None,
                    now: datetime | None = None) -> None:
    with transaction.atomic():
        audit_record(action="webhook_deleted", actor=actor, target=_target(endpoint),
                     request=request, detail={"name": endpoint.name, "url": endpoint.url},
                     now=now)
        endpoint.delete()


def endpoint_rotate_secret(*, endpoint: Endpoint, actor, request=None,
                           now: datetime | None = None) -> str:
    """A new secret, returned once; the old one keeps signing for conf.secret_overlap()."""
    now = now or timezone.now()
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = now + conf.secret_overlap()
        endpoint.secret = signing.new_secret()
        endpoint.updated_at = now
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until",
                                     "updated_at"])
        audit_record(action="webhook_secret_rotated", actor=actor, target=_target(endpoint),
                     request=request,
                     detail={"previous_valid_until": endpoint.previous_secret_until.isoformat()},
                     now=now)
    return endpoint.secret


def endpoint_disable(*, endpoint: Endpoint, reason: str, now: datetime | None = None) -> None:
    """Stop sending to a failing endpoint and tell the admins (mail after commit)."""
    from integrations.tasks import notify_disabled

    now = now or timezone.now()
    with transaction.atomic():
        changed = Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
            enabled=False, disabled_at=now, disabled_reason=reason[:300], updated_at=now)
        if not changed:
            return
        audit_record(action="webhook_disabled", target=_target(endpoint),
                     detail={"name": endpoint.name, "reason": reason}, now=now)
        key = f"webhook-disabled:{endpoint.pk}:{int(now.timestamp())}"
        transaction.on_commit(lambda: _later(notify_disabled, endpoint.pk, key))


def _later(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # the notice is lost with the broker; the page still shows why
        import logging

        logging.getLogger(__name__).warning("Could not enqueue %s", task.name, exc_info=True)


def endpoint_test(*, endpoint: Endpoint, actor, now: datetime | None = None) -> Delivery:
    """A `webhook.test` ping, sent like any delivery (signed, logged, retried)."""
    if not endpoint.enabled:
        raise ValidationError({"endpoint": ["The endpoint is disabled; enable it first."]})
    return delivery_create(endpoint=endpoint, name=TEST_EVENT, now=now, data={
        "endpoint": endpoint.pk, "name": endpoint.name,
        "requested_by": actor.get_username() if actor else ""})


def delivery_redeliver(*, delivery: Delivery, now: datetime | None = None) -> Delivery:
    """Another attempt of the same message (same webhook-id and body), due now. A failed
    delivery gets one more attempt; if that fails it is failed again."""
    now = now or timezone.now()
    if not delivery.endpoint.enabled:
        raise ValidationError({"delivery": ["The endpoint is disabled; enable it first."]})
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now, claimed_until=None,
            finished_at=None)
        transaction.on_commit(lambda: enqueue(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def deliveries_redeliver_failed(*, endpoint: Endpoint, since: datetime,
                                now: datetime | None = None) -> int:
    """Redeliver every failed delivery of `endpoint` created since `since`."""
    if not endpoint.enabled:
        raise ValidationError({"failed_since": ["The endpoint is disabled; enable it first."]})
    count = 0
    with transaction.atomic():
        for delivery in endpoint.deliveries.select_related("endpoint").filter(
                status=DeliveryStatus.FAILED, created_at__gte=since):
            delivery_redeliver(delivery=delivery, now=now)
            count += 1
    return count
