"""The agent's `once` against a live Tend (pytest-django's live server on PostgreSQL) with
a real asset token: series appear; while Tend is away batches wait in the spool, and go
out in order with their original timestamps once it is back."""

import json
from datetime import UTC, datetime

import pytest

from capacity.models import Series
from tests.agent.conftest import run_agent
from tests.factories import AssetFactory

pytestmark = [pytest.mark.postgres, pytest.mark.transactional,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def host(postgres, service, dee):
    from itsm.services.asset_tokens import asset_token_create

    asset = AssetFactory(name="agent-host", service=service)
    _row, token = asset_token_create(asset=asset, actor=dee, name="tend-agent")
    return asset, token


def test_once_pushes_the_host_to_tend(live_server, host, agent_config, tmp_path):
    asset, token = host
    path = agent_config(url=live_server.url, asset_id=asset.pk, token=token, inventory=True)
    result = run_agent("once", "--config", str(path))
    assert result.returncode == 0, result.stderr
    kinds = {(s.kind, s.name) for s in Series.objects.filter(asset=asset)}
    assert {("fs_used", "/"), ("fs_size", "/"), ("memory", ""), ("cpu", ""),
            ("load", "")} <= kinds
    assert not list((tmp_path / "spool").glob("*.json"))  # all taken
    if (tmp_path / "spool" / "last-inventory").exists():
        assert asset.software.filter(name="dpkg").exists()
    check = run_agent("check", "--config", str(path))
    assert check.returncode == 0 and "accepted" in check.stdout


def test_a_wrong_token_is_refused_and_not_retried_forever(live_server, host, agent_config,
                                                          tmp_path):
    asset, _token = host
    path = agent_config(url=live_server.url, asset_id=asset.pk,
                        token="tend_asset_not-a-real-one", inventory=False)
    result = run_agent("once", "--config", str(path))
    assert result.returncode == 1 and "refused" in result.stderr
    assert not list((tmp_path / "spool").glob("*.json"))
    assert "token" in run_agent("check", "--config", str(path)).stderr


def test_batches_wait_while_tend_is_away_then_go_in_order(live_server, host, agent_config,
                                                          tmp_path):
    asset, token = host
    away = agent_config(url="http://127.0.0.1:9", asset_id=asset.pk, token=token,
                        inventory=False)
    for _ in range(2):
        result = run_agent("once", "--config", str(away))
        assert result.returncode == 1 and "kept" in result.stderr
    spooled = sorted((tmp_path / "spool").glob("*-metrics.json"))
    assert len(spooled) == 2
    first_t = json.loads(spooled[0].read_text())["samples"][0]["t"]
    assert not Series.objects.filter(asset=asset).exists()

    back = agent_config(url=live_server.url, asset_id=asset.pk, token=token, inventory=False)
    result = run_agent("once", "--config", str(back))
    assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "spool").glob("*.json"))
    load = Series.objects.get(asset=asset, kind="load", name="")
    # The backlog kept its moments: the series starts at the first spooled batch.
    assert load.first_at == datetime.fromtimestamp(first_t, tz=UTC)
    assert load.buckets.count() >= 1
