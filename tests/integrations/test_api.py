"""/api/v1/webhooks/: admins only; the secret answered once; deliveries, redeliver, test;
strict inputs are JSON 400s naming the field."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks.webhooks import Webhook

from integrations.models import Delivery, DeliveryStatus, Endpoint
from integrations.services import delivery as sending
from integrations.services.outbox import delivery_create
from itsm.models import AuditEntry

URL = "/api/v1/webhooks/"
pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def new(receiver, **extra):
    return {"name": "Chat bridge", "url": receiver.url, "events": ["ticket.created"], **extra}


def test_an_admin_creates_and_the_secret_comes_back_once(ada, receiver, team):
    response = api(ada).post(URL, new(receiver, teams=[team.pk], priorities=[1, 2]),
                             format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and response["Cache-Control"] == "no-store"
    assert body["teams"] == [team.pk] and body["priorities"] == [1, 2]
    endpoint = Endpoint.objects.get(pk=body["id"])
    assert endpoint.secret == body["secret"] and endpoint.created_by == ada
    assert "secret" not in api(ada).get(f"{URL}{endpoint.pk}/").json()
    assert "secret" not in api(ada).get(URL).json()["results"][0]
    assert AuditEntry.objects.filter(action="webhook_created", actor=ada,
                                     target=f"webhook:{endpoint.pk}").exists()


def test_change_and_delete_are_audited(ada, endpoint):
    response = api(ada).patch(f"{URL}{endpoint.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert api(ada).delete(f"{URL}{endpoint.pk}/").status_code == 204
    assert not Endpoint.objects.exists()
    assert list(AuditEntry.objects.filter(target=f"webhook:{endpoint.pk}").order_by("id")
                .values_list("action", flat=True)) == [
        "webhook_created", "webhook_changed", "webhook_deleted"]


@pytest.mark.parametrize("change, field", [
    ({"url": "ftp://example.com/hook"}, "url"),
    ({"url": "not a url"}, "url"),
    ({"url": "http://169.254.169.254/latest"}, "url"),
    ({"url": 12}, "url"),
    ({"events": []}, "events"),
    ({"events": ["ticket.exploded"]}, "events"),
    ({"events": "ticket.created"}, "events"),
    ({"kinds": ["spaceship"]}, "kinds"),
    ({"priorities": [9]}, "priorities"),
    ({"teams": [99999]}, "teams"),
    ({"name": ""}, "name"),
    ({"enabled": "yes"}, "enabled"),
])
def test_bad_input_is_a_400_naming_the_field(ada, receiver, change, field):
    response = api(ada).post(URL, {**new(receiver), **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Endpoint.objects.exists()


def test_private_targets_are_refused_when_private_targets_are_off(ada, receiver, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    response = api(ada).post(URL, new(receiver), format="json")
    assert response.status_code == 400
    assert "may not send" in response.json()["url"][0]


@pytest.mark.parametrize("persona", ["alice", "dee", "manny"])
def test_everyone_but_admins_is_refused(persona, request, endpoint, receiver):
    user = request.getfixturevalue(persona)
    client = api(user)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 403
    assert client.post(URL, new(receiver), format="json").status_code == 403
    assert client.post(f"{URL}{endpoint.pk}/rotate-secret/").status_code == 403
    assert client.post(f"{URL}{endpoint.pk}/test/").status_code == 403
    assert APIClient().get(URL).status_code in (401, 403)


def test_rotate_secret_answers_the_new_one_and_both_sign(ada, endpoint, receiver):
    old = endpoint.secret
    response = api(ada).post(f"{URL}{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.json()["secret"]
    assert secret != old and response.json()["previous_valid_until"]
    delivery_create(endpoint=Endpoint.objects.get(pk=endpoint.pk), name="ticket.created",
                    data={})
    sending.deliveries_dispatch()
    got = receiver.received[-1]
    Webhook(secret).verify(got.body, got.headers)
    Webhook(old).verify(got.body, got.headers)


def test_deliveries_are_listed_filtered_and_paginated(ada, endpoint, receiver):
    receiver.answers(500)
    for name in ("ticket.created", "ticket.resolved", "ticket.created"):
        delivery_create(endpoint=endpoint, name=name, data={})
    Delivery.objects.filter(event="ticket.resolved").update(status=DeliveryStatus.FAILED)
    body = api(ada).get(f"{URL}{endpoint.pk}/deliveries/").json()
    assert body["count"] == 3 and body["results"][0]["msg_id"].startswith("msg_")
    failed = api(ada).get(f"{URL}{endpoint.pk}/deliveries/?status=failed").json()
    assert [d["event"] for d in failed["results"]] == ["ticket.resolved"]
    created = api(ada).get(f"{URL}{endpoint.pk}/deliveries/?event=ticket.created").json()
    assert created["count"] == 2
    bad = api(ada).get(f"{URL}{endpoint.pk}/deliveries/?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()


def test_redeliver_sends_the_same_message_again(ada, endpoint, receiver):
    delivery = delivery_create(endpoint=endpoint, name="ticket.created", data={"n": 1})
    sending.deliveries_dispatch()
    response = api(ada).post(f"{URL}{endpoint.pk}/redeliver/", {"delivery": delivery.pk},
                             format="json")
    assert response.status_code == 202 and response.json() == {"redelivered": 1}
    sending.deliveries_dispatch()
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.msg_id] * 2
    assert receiver.received[0].body == receiver.received[1].body
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == DeliveryStatus.SUCCEEDED


def test_redeliver_every_failed_one_since(ada, endpoint, receiver):
    since = timezone.now()
    for _ in range(2):
        delivery_create(endpoint=endpoint, name="ticket.created", data={})
    Delivery.objects.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    response = api(ada).post(f"{URL}{endpoint.pk}/redeliver/",
                             {"failed_since": since.isoformat()}, format="json")
    assert response.status_code == 202 and response.json() == {"redelivered": 2}
    assert sending.deliveries_dispatch()["succeeded"] == 2


@pytest.mark.parametrize("payload, field", [
    ({}, "non_field_errors"),
    ({"delivery": 1, "failed_since": "2024-01-01T00:00:00Z"}, "non_field_errors"),
    ({"delivery": "one"}, "delivery"),
    ({"delivery": 999999}, "delivery"),
    ({"failed_since": "yesterday"}, "failed_since"),
])
def test_redeliver_bad_input(ada, endpoint, payload, field):
    response = api(ada).post(f"{URL}{endpoint.pk}/redeliver/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_another_endpoints_delivery_cannot_be_redelivered(ada, endpoint, receiver):
    other = api(ada).post(URL, new(receiver), format="json").json()["id"]
    delivery = delivery_create(endpoint=endpoint, name="ticket.created", data={})
    response = api(ada).post(f"{URL}{other}/redeliver/", {"delivery": delivery.pk},
                             format="json")
    assert response.status_code == 400 and "delivery" in response.json()


def test_the_test_ping_is_a_signed_delivery(ada, endpoint, receiver):
    response = api(ada).post(f"{URL}{endpoint.pk}/test/")
    assert response.status_code == 202 and response.json()["event"] == "webhook.test"
    sending.deliveries_dispatch()
    [got] = receiver.received
    assert Webhook(endpoint.secret).verify(got.body, got.headers)["type"] == "webhook.test"


def test_a_disabled_endpoint_refuses_test_and_redeliver(ada, endpoint):
    api(ada).patch(f"{URL}{endpoint.pk}/", {"enabled": False}, format="json")
    response = api(ada).post(f"{URL}{endpoint.pk}/test/")
    assert response.status_code == 400 and "endpoint" in response.json()
    assert Endpoint.objects.get(pk=endpoint.pk).disabled_reason == "Disabled by an admin."
