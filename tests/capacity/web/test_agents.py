"""The agent set-up page: tokens shown once and revoked, install commands, scrape targets
written through capacity.services.targets, assets not reporting; roles."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from capacity.models import ScrapeTarget
from capacity.services.targets import target_delete, target_save
from itsm.models.asset_token import AssetToken
from tests.capacity.web.data import make_asset, make_series


@pytest.fixture
def asset(db):
    return make_asset("db-01")


def _page(asset):
    return reverse("capacity:agent_asset", args=[asset.pk])


def test_roles(client_for, alice, manny, dee, asset):
    for url in (reverse("capacity:agents"), _page(asset)):
        assert client_for(alice).get(url).status_code == 403
        assert client_for(manny).get(url).status_code == 200
        assert client_for(dee).get(url).status_code == 200
    create = reverse("capacity:token_create", args=[asset.pk])
    assert client_for(manny).post(create, {"name": "x"}).status_code == 403
    assert client_for(alice).post(create, {"name": "x"}).status_code == 403
    assert not AssetToken.objects.exists()
    body = client_for(manny).get(_page(asset)).content.decode()
    assert "Create token" not in body and "Add target" not in body


def test_token_shown_once_then_listed_by_prefix_and_revoked(client_for, dee, asset):
    client = client_for(dee)
    response = client.post(reverse("capacity:token_create", args=[asset.pk]),
                           {"name": "agent on db-01"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = AssetToken.objects.get(asset=asset)
    body = html.unescape(response.content.decode())
    plaintext = body.split('id="new-token" class="capacity-token"><code>', 1)[1].split("<", 1)[0]
    assert plaintext.startswith(token.prefix) and plaintext.startswith("tend_asset_")
    # The config to copy carries the URL, the asset and the token, in the same response.
    assert f"asset_id = {asset.pk}" in body and f'token = "{plaintext}"' in body
    assert "systemctl enable --now tend-agent" in body and "tend-agent once" in body
    again = client.get(_page(asset)).content.decode()
    assert plaintext not in again and f"{token.prefix}…" in again
    revoke = reverse("capacity:token_revoke", args=[token.pk])
    assert client_for(dee).post(revoke).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in client.get(_page(asset)).content.decode()


def test_targets_add_validate_remove(client_for, dee, asset, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = True
    client = client_for(dee)
    add = reverse("capacity:target_add", args=[asset.pk])
    bad = client.post(add, {"url": "ftp://db-01/metrics", "interval": 5, "timeout": 10})
    assert bad.status_code == 400 and not ScrapeTarget.objects.exists()
    assert "greater than or equal to 15" in bad.content.decode()
    refused = client.post(add, {"url": "ftp://db-01/metrics", "interval": 60, "timeout": 10})
    assert refused.status_code == 400 and "http:// or https://" in refused.content.decode()
    ok = client.post(add, {"url": "http://127.0.0.1:9100/metrics", "interval": 30, "timeout": 5})
    assert ok.status_code == 302
    target = ScrapeTarget.objects.get()
    assert (target.interval, target.created_by) == (30, dee)
    assert "127.0.0.1:9100" in client.get(_page(asset)).content.decode()
    delete = reverse("capacity:target_delete", args=[target.pk])
    assert client.post(delete).status_code == 302 and not ScrapeTarget.objects.exists()


def test_target_service_rules(dee, manny, asset, settings):
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        target_save(asset=asset, actor=dee, url="http://169.254.169.254/metrics")
    assert "Refused" in refused.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as private:
        target_save(asset=asset, actor=dee, url="http://127.0.0.1:9100/metrics")
    assert "private" in private.value.message_dict["url"][0]
    settings.TEND_MONITORING_ALLOW_PRIVATE = True
    with pytest.raises(ValidationError) as errors:
        target_save(asset=asset, actor=dee, url="gopher://x", interval=14, timeout=31)
    assert set(errors.value.message_dict) == {"url", "interval", "timeout"}
    with pytest.raises(PermissionDenied):
        target_save(asset=asset, actor=manny, url="http://127.0.0.1:9100/metrics")
    target = target_save(asset=asset, actor=dee, url="http://127.0.0.1:9100/metrics")
    with pytest.raises(ValidationError):
        target_save(asset=asset, actor=dee, url="http://127.0.0.1:9100/metrics")
    with pytest.raises(PermissionDenied):
        target_delete(target=target, actor=manny)
    target_delete(target=target, actor=dee)
    assert not ScrapeTarget.objects.exists()


def test_not_reporting_grouped_by_asset(client_for, dee, db):
    now = timezone.now()
    quiet, fresh = make_asset("quiet-01"), make_asset("fresh-01")
    make_series(quiet, name="/", last_at=now - timedelta(minutes=16))
    make_series(quiet, name="/var", last_at=None)
    make_series(fresh, name="/", last_at=now - timedelta(minutes=1))
    body = client_for(dee).get(reverse("capacity:agents")).content.decode()
    box = body.split('id="quiet-heading"', 1)[1].split("</section>", 1)[0]
    assert "quiet-01" in box and "fresh-01" not in box and "never" in box


def test_agents_list_query_count(client_for, dee, django_assert_max_num_queries, db):
    for n in range(15):
        make_series(make_asset(f"h-{n:02}"), name="/")
    client = client_for(dee)
    client.get(reverse("capacity:agents"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("capacity:agents")).status_code == 200


def test_role_matrix_world_builds(dee, db):
    from tests.capacity.web.role_rules import capacity_rules, capacity_world

    pks = capacity_world(dee=dee)
    # "name:key" entries fill a second id of that URL (tests/test_role_matrix.py _url).
    names = {key.partition(":series_id")[0] for key in pks}
    assert names <= set(capacity_rules(dict, lambda *a: a, "login", "ok"))
