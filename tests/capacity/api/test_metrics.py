"""Push and read endpoints: asset tokens write only their asset, bad input is a 400."""

import pytest
from rest_framework.test import APIClient

from capacity.models import Bucket, Series
from itsm.services import asset_tokens

pytestmark = pytest.mark.django_db
TEXT = "text/plain; version=0.0.4"


def bearer(plaintext):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def test_an_agent_pushes_prometheus_text(asset, agent_token):
    body = 'node_load1 0.5\nnode_filesystem_size_bytes{mountpoint="/",fstype="ext4"} 100\n'
    response = bearer(agent_token[1]).post(f"/api/v1/assets/{asset.pk}/metrics/", body,
                                           content_type=TEXT)
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 2, "series": 2}
    agent_token[0].refresh_from_db()
    assert agent_token[0].last_used_at is not None


def test_an_agent_pushes_json(asset, agent_token):
    response = bearer(agent_token[1]).post(
        f"/api/v1/assets/{asset.pk}/metrics/",
        {"samples": [{"series": "memory", "v": 40}, {"series": "fs_used", "name": "/", "v": 5}]},
        format="json")
    assert response.json() == {"accepted": 2, "series": 2}


def test_bad_json_is_a_400_with_fields_and_stores_nothing(asset, agent_token):
    response = bearer(agent_token[1]).post(
        f"/api/v1/assets/{asset.pk}/metrics/",
        {"samples": [{"series": "memory", "v": 40}, {"series": "memory", "v": "x"}]},
        format="json")
    assert response.status_code == 400
    assert response.json() == {"samples[1].v": ["Send a number."]}
    assert not Series.objects.exists() and not Bucket.objects.exists()


def test_oversized_body_is_a_400(asset, agent_token, settings):
    settings.TEND_METRICS_MAX_BODY_BYTES = 50
    response = bearer(agent_token[1]).post(f"/api/v1/assets/{asset.pk}/metrics/",
                                           "node_load1 1\n" * 20, content_type=TEXT)
    assert response.status_code == 400 and "body" in response.json()


def test_a_token_cannot_write_another_asset(asset, other_asset, agent_token):
    response = bearer(agent_token[1]).post(f"/api/v1/assets/{other_asset.pk}/metrics/",
                                           "node_load1 1\n", content_type=TEXT)
    assert response.status_code == 403 and "detail" in response.json()


def test_a_revoked_or_unknown_token_is_a_401(asset, agent_token, dee):
    asset_tokens.asset_token_revoke(token=agent_token[0], actor=dee)
    for key in (agent_token[1], "tend_asset_nope"):
        response = bearer(key).post(f"/api/v1/assets/{asset.pk}/metrics/", "node_load1 1\n",
                                    content_type=TEXT)
        assert response.status_code == 401


def test_staff_push_with_the_permission_end_users_cannot(asset, dee, bob):
    for user, status in ((dee, 200), (bob, 403)):
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(f"/api/v1/assets/{asset.pk}/metrics/", "node_load1 1\n",
                               content_type=TEXT)
        assert response.status_code == status


def test_an_asset_token_reports_its_own_inventory(asset, other_asset, agent_token):
    client = bearer(agent_token[1])
    body = {"software": [{"name": "openssl", "version": "3.0"}], "complete": True}
    assert client.post(f"/api/v1/assets/{asset.pk}/inventory/", body,
                       format="json").status_code == 200
    assert asset.software.count() == 1
    assert client.post(f"/api/v1/assets/{other_asset.pk}/inventory/", body,
                       format="json").status_code == 403


def test_series_and_points_read_by_staff(asset, agent_token, dee, django_assert_max_num_queries):
    bearer(agent_token[1]).post(f"/api/v1/assets/{asset.pk}/metrics/",
                                {"samples": [{"series": "load", "v": 2}]}, format="json")
    client = APIClient()
    client.force_authenticate(dee)
    with django_assert_max_num_queries(8):
        listed = client.get(f"/api/v1/assets/{asset.pk}/series/").json()
    series = listed["results"][0]
    assert (series["kind"], series["last_value"], series["state"]) == ("load", 2.0, "learning")
    points = client.get(f"/api/v1/assets/{asset.pk}/series/{series['id']}/points/").json()
    assert [p["last"] for p in points["points"]] == [2.0]
    bad = client.get(f"/api/v1/assets/{asset.pk}/series/{series['id']}/points/?start=x")
    assert bad.status_code == 400 and "start" in bad.json()
