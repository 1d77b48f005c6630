"""Parsers: node_exporter-like text and JSON to samples, and every refusal with its field."""

from datetime import UTC, datetime, timedelta

import pytest

from capacity.samples import SampleError, parse_json_samples, parse_prometheus_text

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MS = int(NOW.timestamp() * 1000) - 60_000

NODE_TEXT = f"""# HELP node_filesystem_size_bytes Filesystem size in bytes.
# TYPE node_filesystem_size_bytes gauge
node_filesystem_size_bytes{{device="/dev/sda1",fstype="ext4",mountpoint="/"}} 1.0e+11 {MS}
node_filesystem_size_bytes{{device="tmpfs",fstype="tmpfs",mountpoint="/run"}} 1e+09 {MS}
# TYPE node_filesystem_avail_bytes gauge
node_filesystem_avail_bytes{{device="/dev/sda1",fstype="ext4",mountpoint="/"}} 4.0e+10 {MS}
node_filesystem_avail_bytes{{device="tmpfs",fstype="tmpfs",mountpoint="/run"}} 1e+09 {MS}
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 8e+09
# TYPE node_memory_MemAvailable_bytes gauge
node_memory_MemAvailable_bytes 2e+09
# TYPE node_memory_SwapTotal_bytes gauge
node_memory_SwapTotal_bytes 0
# TYPE node_memory_SwapFree_bytes gauge
node_memory_SwapFree_bytes 0
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{{cpu="0",mode="idle"}} 900
node_cpu_seconds_total{{cpu="0",mode="user"}} 100
node_cpu_seconds_total{{cpu="1",mode="idle"}} 800
node_cpu_seconds_total{{cpu="1",mode="system"}} 200
# TYPE node_load1 gauge
node_load1 0.42
# TYPE node_network_receive_bytes_total counter
node_network_receive_bytes_total{{device="eth0"}} 123456
node_network_receive_bytes_total{{device="lo"}} 99
# TYPE node_boot_time_seconds gauge
node_boot_time_seconds 1.7e+09
"""


def by_kind(samples):
    return {(s.kind, s.name): s for s in samples}


def test_node_exporter_text_maps_to_kinds():
    found = by_kind(parse_prometheus_text(NODE_TEXT, now=NOW))
    assert set(found) == {("fs_size", "/"), ("fs_used", "/"), ("memory", ""), ("cpu", ""),
                          ("load", ""), ("network", "eth0")}
    assert found[("fs_used", "/")].v == 6e10
    assert found[("fs_used", "/")].t == NOW - timedelta(minutes=1)  # ms timestamp honoured
    assert found[("memory", "")].v == pytest.approx(75.0)
    assert found[("memory", "")].t == NOW  # no timestamp: now
    assert found[("cpu", "")].counter and found[("cpu", "")].v == pytest.approx(100 * 300 / 2)
    assert found[("network", "eth0")].labels == {"direction": "rx"}


def test_custom_metrics_only_when_listed(settings):
    settings.TEND_METRICS_CUSTOM = ["node_boot_time_seconds"]
    found = by_kind(parse_prometheus_text(NODE_TEXT, now=NOW))
    assert found[("custom", "node_boot_time_seconds")].v == 1.7e9


@pytest.mark.parametrize("text", ["node_load1 {", "node_load1 abc", "}{ garbage"])
def test_malformed_text_is_a_body_error(text):
    with pytest.raises(SampleError) as error:
        parse_prometheus_text(text, now=NOW)
    assert "body" in error.value.errors


def test_a_future_timestamp_in_text_is_refused():
    future = int((NOW + timedelta(hours=1)).timestamp() * 1000)
    with pytest.raises(SampleError) as error:
        parse_prometheus_text(f"node_load1 1 {future}", now=NOW)
    assert "node_load1" in error.value.errors


def test_oversized_text_is_refused(settings):
    settings.TEND_METRICS_MAX_BODY_BYTES = 100
    with pytest.raises(SampleError) as error:
        parse_prometheus_text(NODE_TEXT, now=NOW)
    assert list(error.value.errors) == ["body"]


def test_json_samples_parse_iso_and_epoch():
    samples = parse_json_samples({"samples": [
        {"series": "fs_used", "name": "/", "t": "2026-03-02T11:59:00Z", "v": 5},
        {"series": "network", "name": "eth0", "labels": {"direction": "tx"},
         "t": NOW.timestamp() - 30, "v": 10},
        {"series": "load", "v": 1.5},
    ]}, now=NOW)
    assert [s.t for s in samples] == [NOW - timedelta(minutes=1), NOW - timedelta(seconds=30),
                                      NOW]
    assert samples[1].counter and not samples[0].counter
    assert samples[0].unit == "bytes"


def test_json_errors_are_index_addressed():
    with pytest.raises(SampleError) as error:
        parse_json_samples({"samples": [
            {"series": "load", "v": 1},
            {"series": "disk", "v": 1},
            {"series": "load", "v": "12"},
            {"series": "load", "v": float("nan")},
            {"series": "load", "v": 1, "t": (NOW + timedelta(hours=1)).isoformat()},
            {"series": "load", "v": 1, "t": "yesterday"},
            {"series": "load", "v": 1, "t": (NOW - timedelta(days=500)).timestamp()},
            "nope",
        ]}, now=NOW)
    assert set(error.value.errors) == {"samples[1].series", "samples[2].v", "samples[3].v",
                                       "samples[4].t", "samples[5].t", "samples[6].t",
                                       "samples[7]"}


@pytest.mark.parametrize("data", [[], {"samples": "x"}, {"other": []}, None])
def test_json_needs_a_samples_list(data):
    with pytest.raises(SampleError) as error:
        parse_json_samples(data, now=NOW)
    assert "samples" in error.value.errors


def test_too_many_samples(settings):
    settings.TEND_METRICS_MAX_SAMPLES = 2
    with pytest.raises(SampleError) as error:
        parse_json_samples({"samples": [{"series": "load", "v": 1}] * 3}, now=NOW)
    assert "samples" in error.value.errors
