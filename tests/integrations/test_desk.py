"""The desk's webhook pages (admins): list with health, form, secret once, rotate, test,
re-enable, delivery log and detail, redeliver; query counts stay flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.models import Delivery, DeliveryStatus, Endpoint
from integrations.services import delivery as sending
from integrations.services.outbox import delivery_create

pytestmark = pytest.mark.django_db


def test_an_admin_creates_an_endpoint_and_sees_the_secret_once(client_for, ada, receiver, team):
    client = client_for(ada)
    assert client.get("/desk/webhooks/new/").status_code == 200
    response = client.post("/desk/webhooks/new/", {
        "name": "Bridge", "url": receiver.url, "events": ["ticket.created", "sla.breached"],
        "teams": [team.pk], "priorities": ["1"], "enabled": "on"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.events == ["sla.breached", "ticket.created"] and endpoint.priorities == [1]
    page = client.get(f"/desk/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in page and "Bridge" in page


def test_bad_form_input_is_a_form_error(client_for, ada):
    response = client_for(ada).post("/desk/webhooks/new/", {
        "name": "Bad", "url": "ftp://example.com/x", "events": ["ticket.created"]})
    assert response.status_code == 400
    assert "Only http:// and https://" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_edit_rotate_test_and_re_enable(client_for, ada, endpoint, receiver):
    client = client_for(ada)
    response = client.post(f"/desk/webhooks/{endpoint.pk}/edit/", {
        "name": "Renamed", "url": receiver.url, "events": ["ticket.created"], "enabled": "on"})
    assert response.status_code == 302
    assert Endpoint.objects.get().name == "Renamed"
    old = endpoint.secret
    rotated = client.post(f"/desk/webhooks/{endpoint.pk}/rotate/")
    new = Endpoint.objects.get().secret
    assert new != old and new in rotated.content.decode()
    assert client.post(f"/desk/webhooks/{endpoint.pk}/test/").status_code == 302
    assert Delivery.objects.get().event == "webhook.test"
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason="410")
    assert client.post(f"/desk/webhooks/{endpoint.pk}/enable/").status_code == 302
    assert Endpoint.objects.get().enabled


def test_the_delivery_log_detail_and_redeliver(client_for, ada, endpoint, receiver):
    receiver.answers(500, body=b"Internal trouble")
    delivery = delivery_create(endpoint=endpoint, name="ticket.created", data={"x": 1})
    sending.deliveries_dispatch()
    client = client_for(ada)
    log = client.get(f"/desk/webhooks/{endpoint.pk}/").content.decode()
    assert delivery.msg_id in log and "Internal trouble" in log
    detail = client.get(f"/desk/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "HTTP 500" in detail and "&quot;x&quot;:1" in detail
    Delivery.objects.update(status=DeliveryStatus.FAILED)
    response = client.post(f"/desk/webhooks/deliveries/{delivery.pk}/redeliver/",
                           {"next": "log"})
    assert response.status_code == 302 and response.url == f"/desk/webhooks/{endpoint.pk}/"
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_pages_are_admins_only(client_for, dee, manny, endpoint):
    for user in (dee, manny):
        assert client_for(user).get("/desk/webhooks/").status_code == 403
        assert client_for(user).get(f"/desk/webhooks/{endpoint.pk}/").status_code == 403


def _queries(client, url) -> int:
    client.get(url)  # warm: the session, permissions and config caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_log_query_counts_do_not_grow(client_for, ada, receiver, team):
    from integrations.services.endpoints import endpoint_save

    client = client_for(ada)

    def add(n):
        for i in range(n):
            ep = endpoint_save(endpoint=Endpoint(), actor=ada, name=f"E{i}{n}",
                               url=receiver.url, events=["ticket.created"], teams=[team])
            for _ in range(3):
                delivery_create(endpoint=ep, name="ticket.created", data={})
        sending.deliveries_dispatch()
        return ep

    ep = add(1)
    small = (_queries(client, "/desk/webhooks/"), _queries(client, f"/desk/webhooks/{ep.pk}/"))
    ep = add(5)
    for _ in range(10):
        delivery_create(endpoint=ep, name="ticket.created", data={})
    sending.deliveries_dispatch()
    large = (_queries(client, "/desk/webhooks/"), _queries(client, f"/desk/webhooks/{ep.pk}/"))
    assert large == small
    assert small[0] <= 12 and small[1] <= 16
