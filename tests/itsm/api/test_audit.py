"""GET /api/v1/audit/: admins only, read-only, the desk page's filters, paged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from itsm.models import AuditEntry
from itsm.services.audit import audit_record
from tests.factories import api_key

URL = reverse("api-audit-list")


def as_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture
def ada_api(ada):
    client = as_token(ada)  # making the key is an entry of its own
    AuditEntry.objects.all().delete()
    now = timezone.now()
    audit_record(action="sign_in", actor=ada, now=now - timedelta(days=1))
    audit_record(action="sign_in_failed", actor_name="mallory", now=now,
                 detail={"reason": "unknown_account", "via": "api"})
    return client


def test_admins_read_the_log_newest_first_with_labels_and_summaries(ada_api, ada):
    response = ada_api.get(URL)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and body["count_is_exact"]
    first = body["results"][0]
    assert first["action"] == "sign_in_failed" and first["action_label"] == "Sign-in failed"
    assert first["actor"] is None and first["actor_name"] == "mallory"
    assert first["summary"] == "reason: no such account · via: api"
    assert body["results"][1]["actor"] == ada.pk


@pytest.mark.parametrize("persona", ["alice", "dee", "manny"])
def test_everyone_but_admins_is_refused(request, persona):
    user = request.getfixturevalue(persona)
    assert as_token(user).get(URL).status_code == 403
    assert APIClient().get(URL).status_code == 401


def test_the_log_cannot_be_written_through_the_api(ada_api):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(ada_api, method)(URL, {}, format="json").status_code == 405
    assert AuditEntry.objects.count() == 2


def test_filters_are_the_pages(ada_api):
    assert [r["actor_name"] for r in ada_api.get(URL, {"person": "MALL"}).json()["results"]] \
        == ["mallory"]
    assert ada_api.get(URL, {"action": "sign_in"}).json()["count"] == 1
    today = timezone.localdate()
    assert ada_api.get(URL, {"until": (today - timedelta(days=1)).isoformat()}).json()[
        "count"] == 1


@pytest.mark.parametrize(("query", "field"), [
    ({"action": "nope"}, "action"), ({"ip": "300.1.1.1"}, "ip"), ({"since": "soon"}, "since"),
    ({"since": "2024-02-02", "until": "2024-02-01"}, "until"), ({"until": "9999-12-31"}, "until"),
    ({"page_size": "0"}, "page_size"),
])
def test_bad_filters_are_a_400_naming_the_field(ada_api, query, field):
    response = ada_api.get(URL, query)

    assert response.status_code == 400 and field in response.json(), response.content


def test_pages_are_capped_and_sized(ada_api, ada):
    for _ in range(7):
        audit_record(action="sign_out", actor=ada)

    page = ada_api.get(URL, {"page_size": 3, "action": "sign_out"}).json()

    assert page["count"] == 7 and len(page["results"]) == 3 and "page=2" in page["next"]
