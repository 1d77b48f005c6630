"""The inventory endpoint agents and scanners post to."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from maintenance.models import Advisory, AssetPatch, AssetPatchEvent, Software
from tests.factories import UserFactory
from tests.maintenance.conftest import utc

REPORT = {
    "software": [{"name": "openssl", "version": "3.0.11"}, {"name": "nginx", "version": "1.24"}],
    "pending": [{"advisory": "DSA-5555-1", "title": "openssl security update",
                 "severity": "critical", "cvss": "9.8", "cve_ids": ["CVE-2023-5678"],
                 "released_on": "2026-01-01", "package": "openssl",
                 "fixed_version": "3.0.13"}],
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(asset_id):
    return f"/api/v1/assets/{asset_id}/inventory/"


@pytest.fixture
def agent(db):
    """A dedicated agent account: no role, just the ingest permission."""
    user = UserFactory(username="agent-01")
    user.user_permissions.add(Permission.objects.get(codename="ingest_inventory"))
    return user


def test_an_agent_reports_software_and_pending_advisories(agent, asset):
    response = api(agent).post(url(asset.pk), REPORT, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"asset": asset.pk,
                               "software": {"added": 2, "updated": 0, "removed": 0},
                               "patches": {"opened": 1, "reopened": 0, "installed": 0,
                                           "unchanged": 0}}
    patch = AssetPatch.objects.get()
    assert (patch.state, patch.deadline, patch.due_on) == (
        "missing", utc(2026, 1, 8).date(), utc(2026, 1, 8).date())
    assert Advisory.objects.get().cve_ids == ["CVE-2023-5678"]
    assert AssetPatchEvent.objects.get().new_state == "missing"


def test_the_next_report_updates_the_inventory_and_clears_installed_patches(agent, asset):
    api(agent).post(url(asset.pk), REPORT, format="json")
    response = api(agent).post(url(asset.pk), {
        "software": [{"name": "openssl", "version": "3.0.13"}], "pending": []}, format="json")
    assert response.json()["software"] == {"added": 0, "updated": 1, "removed": 1}
    assert response.json()["patches"]["installed"] == 1
    assert list(Software.objects.values_list("name", "version")) == [("openssl", "3.0.13")]
    patch = AssetPatch.objects.get()
    assert patch.state == "installed" and patch.due_on is None
    response = api(agent).post(url(asset.pk), {"pending": [{"advisory": "DSA-5555-1"}]},
                               format="json")
    assert response.json()["patches"]["reopened"] == 1  # a known advisory: identifier only
    assert Software.objects.count() == 1  # no software list: inventory untouched


def test_an_incomplete_pending_list_installs_nothing(agent, asset):
    api(agent).post(url(asset.pk), REPORT, format="json")
    api(agent).post(url(asset.pk), {"pending": [], "complete": False}, format="json")
    assert AssetPatch.objects.get().state == "missing"


@pytest.mark.parametrize("body, field", [
    ({"pending": [{"advisory": "DSA-1"}]}, "pending[0]"),
    ({"pending": [{"advisory": "not an id!"}]}, "pending"),
    ({"software": [{"version": "1"}]}, "software"),
    ({"software": [{"name": "a"}, {"name": "a"}]}, "software"),
    ({"pending": [{"advisory": "DSA-2", "severity": "urgent", "released_on": "2026-01-01"}]},
     "pending"),
    ({}, "non_field_errors"),
])
def test_bad_reports_are_400_with_field_messages_and_change_nothing(agent, asset, body, field):
    response = api(agent).post(url(asset.pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AssetPatch.objects.exists() and not Software.objects.exists()


def test_malformed_json_is_a_400(agent, asset):
    response = api(agent).post(url(asset.pk), "{not json", content_type="application/json")
    assert response.status_code == 400


def test_an_unknown_asset_is_a_404(agent):
    assert api(agent).post(url(999999), REPORT, format="json").status_code == 404


def test_accounts_without_the_permission_get_403(asset, alice, manny, dee):
    for user in (alice, manny):
        assert api(user).post(url(asset.pk), REPORT, format="json").status_code == 403
    assert api(dee).post(url(asset.pk), REPORT, format="json").status_code == 200  # DSE role
    assert APIClient().post(url(asset.pk), REPORT, format="json").status_code in (401, 403)


def test_a_token_works_for_agents(agent, asset):
    from tests.factories import api_key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(agent)}")
    assert client.post(url(asset.pk), REPORT, format="json").status_code == 200
