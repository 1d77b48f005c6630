"""The agent's parts on this host: configuration, measurement, inventory, spool."""

import logging
import subprocess

import pytest
from tend_agent import collect, config, inventory
from tend_agent.spool import Spool

from tests.agent.conftest import run_agent

SIMULATION = """\
NOTE: This is only a simulation!
Reading package lists...
Inst openssl [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Inst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.11/stable [all])
Conf openssl (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
"""


def test_a_bad_configuration_names_every_problem(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[tend]\nurl = "ftp://x"\nasset_id = "seven"\ninterval = 1\n')
    with pytest.raises(config.ConfigError) as caught:
        config.load(path)
    message = str(caught.value)
    for field in ("url", "asset_id", "token", "interval"):
        assert field in message
    result = run_agent("once", "--config", str(path))
    assert result.returncode == 2 and "bad configuration" in result.stderr
    assert run_agent("check", "--config", str(tmp_path / "missing.toml")).returncode == 2


def test_a_measurement_has_the_root_disk_memory_cpu_load_and_network():
    samples = collect.measure(cpu_wait=0.1, now=1_700_000_000.0)
    by = {(s["series"], s["name"]): s for s in samples}
    size, used = by[("fs_size", "/")]["v"], by[("fs_used", "/")]["v"]
    assert 0 < used < size
    assert 0 < by[("memory", "")]["v"] <= 100
    assert 0 <= by[("cpu", "")]["v"] <= 100
    assert by[("load", "")]["v"] >= 0
    assert {s["t"] for s in samples} == {1_700_000_000.0}
    assert all(s["series"] != "network" or s["labels"]["direction"] in {"rx", "tx"}
               for s in samples)


def test_pending_updates_are_security_ones_by_their_origin():
    pending = inventory.parse_simulation(SIMULATION, today="2026-01-05")
    assert [(p["package"], p["severity"]) for p in pending] == [
        ("openssl", "high"), ("libssl3", "high"), ("tzdata", "low")]
    assert pending[0]["advisory"] == "APT-openssl-3.0.11-1_deb12u2"
    assert pending[0]["fixed_version"] == "3.0.11-1~deb12u2"
    assert all(p["released_on"] == "2026-01-05" for p in pending)


@pytest.mark.skipif(not inventory.available(), reason="needs dpkg and apt (a Debian host)")
def test_the_installed_packages_come_from_dpkg():
    names = {item["name"] for item in inventory.installed()}
    assert {"dpkg", "apt"} <= names
    # The simulation runs unprivileged and changes nothing.
    pending = inventory.pending_updates()
    assert all(p["advisory"].startswith("APT-") for p in pending)


def test_the_spool_keeps_order_and_drops_the_oldest_past_its_bound(tmp_path, caplog):
    spool = Spool(tmp_path / "spool", max_bytes=3000)
    for n in range(6):
        spool.put("metrics", {"samples": [{"n": n, "pad": "x" * 900}]})
    with caplog.at_level(logging.WARNING, logger="tend_agent"):
        spool.put("inventory", {"software": [], "pad": "y" * 900})
    kept = [(kind, spool.read(path)) for path, kind in spool.batches()]
    assert [k for k, _ in kept] == ["metrics", "metrics", "inventory"]
    assert [p["samples"][0]["n"] for k, p in kept if k == "metrics"] == [4, 5]
    assert spool.size() <= 3000
    assert sum("dropping the oldest batch" in r.message for r in caplog.records) >= 1


def test_an_unreadable_batch_is_dropped_not_retried_forever(tmp_path):
    spool = Spool(tmp_path / "spool", max_bytes=10_000)
    path = spool.put("metrics", {"samples": []})
    path.write_text("{half")
    assert spool.read(path) is None and spool.batches() == []


def test_the_package_installs_with_pip_and_has_its_command(tmp_path):
    import os
    import sys
    from pathlib import Path

    import psutil

    from tests.agent.conftest import AGENT_SRC

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # pip builds the package in isolation (setuptools from the package index).
    result = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps",
                             str(AGENT_SRC)], capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    # psutil is the one dependency; this interpreter's copy stands in for pip's.
    env = {**os.environ, "PYTHONPATH": str(Path(psutil.__file__).parent.parent)}
    result = subprocess.run([str(venv / "bin" / "tend-agent"), "--help"], capture_output=True,
                            text=True, timeout=60, env=env, check=False)
    assert result.returncode == 0 and "run,once,check" in result.stdout
