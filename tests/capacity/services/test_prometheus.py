"""An existing Prometheus as a source: a real `prometheus` scraping a real node exporter
(.ci/run starts both). Discovery makes Series rows and stores no buckets; range reads
come back from Prometheus each time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.models import Bucket, PrometheusSource, Series, Source
from capacity.services import prometheus
from tests.capacity.realservices import prometheus_url  # noqa: F401 (fixture)
from tests.factories import AssetFactory


@pytest.fixture
def source(db, prometheus_url):  # noqa: F811
    return PrometheusSource.objects.create(name="Team Prometheus", url=prometheus_url,
                                           step=15, timeout=5)


@pytest.fixture
def host(db, service):
    # The exporter's instance label is "127.0.0.1:19100": the asset's address, port dropped.
    return AssetFactory(name="metrics-host", hostname="127.0.0.1", service=service)


def test_discovery_keeps_a_series_per_result_on_the_matching_asset(source, host):
    unknown = AssetFactory(name="elsewhere", hostname="10.9.9.9")
    counts = prometheus.prometheus_discover(source=source)
    assert counts["created"] == counts["series"] >= 5 and counts["unmatched"] == 0
    kinds = {s.kind: s for s in Series.objects.filter(asset=host, name__in=["", "/"])}
    assert set(kinds) >= {"fs_used", "fs_size", "memory", "cpu", "load"}
    root_used, root_size = kinds["fs_used"], kinds["fs_size"]
    assert root_used.name == "/" and root_used.labels["instance"] == "127.0.0.1:19100"
    assert root_used.source == Source.PROMETHEUS and root_used.unit == "bytes"
    assert root_used.capacity_series_id == root_size.pk
    assert 0 < root_used.last_value < root_size.last_value
    assert 0 < kinds["memory"].last_value < 100
    assert not Series.objects.filter(asset=unknown).exists()
    assert not Bucket.objects.exists()  # Prometheus keeps the data, not Tend
    source.refresh_from_db()
    assert source.last_ok_at and source.last_error == ""
    # Run again: the same rows, updated, none added.
    again = prometheus.prometheus_discover(source=source)
    assert again["created"] == 0 and again["series"] == counts["series"]


def test_a_series_reads_its_own_points_through_query_range(source, host):
    prometheus.prometheus_discover(source=source)
    used = Series.objects.get(asset=host, kind="fs_used", name="/")
    end = timezone.now()
    points = prometheus.prometheus_series_range(series=used, start=end - timedelta(minutes=2),
                                                end=end, step=15)
    assert points, "Prometheus has scraped the exporter for a while"
    assert all(0 < v <= used.capacity_series.last_value * 1.01 for _t, v in points)
    assert points == sorted(points)
    cpu = Series.objects.get(asset=host, kind="cpu")
    cpu_points = prometheus.prometheus_series_range(
        series=cpu, start=end - timedelta(minutes=2), end=end, step=15)
    assert cpu_points and all(0 <= v <= 100 for _t, v in cpu_points)


def test_errors_are_clear_and_recorded(source, host, settings):
    end = timezone.now()
    with pytest.raises(prometheus.PrometheusError, match="parse error"):
        prometheus.prometheus_range(source, "rate(", end - timedelta(minutes=5), end, 15)
    with pytest.raises(prometheus.PrometheusError, match="larger step"):
        prometheus.prometheus_range(source, "up", end - timedelta(days=90), end, 60)
    settings.TEND_SCRAPE_MAX_BYTES = 200
    with pytest.raises(prometheus.PrometheusError, match="more than 200 bytes|over the 200"):
        prometheus.prometheus_range(source, "node_cpu_seconds_total",
                                    end - timedelta(minutes=5), end, 5)
    source.selectors = {"load": "node_load1 +"}
    with pytest.raises(prometheus.PrometheusError):
        prometheus.prometheus_discover(source=source)
    source.refresh_from_db()
    assert "HTTP 400" in source.last_error


def test_a_bearer_token_is_sent_and_an_unreachable_source_says_so(db):
    closed = PrometheusSource.objects.create(name="Gone", url="http://127.0.0.1:9",
                                             bearer_token="secret", timeout=2)
    end = timezone.now()
    with pytest.raises(prometheus.PrometheusError, match="unreachable"):
        prometheus.prometheus_range(closed, "up", end - timedelta(minutes=5), end, 15)


def test_matchers_go_into_every_vector_selector():
    expression = ('100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}'
                  '[5m])))')
    assert prometheus.narrowed(expression, {"instance": "h:9100"}) == (
        '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",'
        'instance="h:9100"}[5m])))')
    assert prometheus.narrowed("a - b offset 5m", {"x": 'q"'}) == (
        'a{x="q\\""} - b{x="q\\""} offset 5m')


def test_the_beat_task_discovers_every_enabled_source_and_survives_a_dead_one(source, host):
    from capacity import tasks

    PrometheusSource.objects.create(name="Gone", url="http://127.0.0.1:9", timeout=2)
    PrometheusSource.objects.create(name="Off", url="http://127.0.0.1:9", enabled=False)
    report = tasks.prometheus_discover()
    assert set(report) == {"Team Prometheus", "Gone"}
    assert report["Team Prometheus"] >= 5 and "unreachable" in report["Gone"]
