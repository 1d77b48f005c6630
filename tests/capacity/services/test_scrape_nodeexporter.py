"""Scraping the real prometheus-node-exporter (.ci/run starts it on 127.0.0.1:19100):
the series a host's capacity is planned from, with sensible values, stored once per slot."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.models import Bucket, ScrapeTarget, Series, Source
from capacity.services import scrape
from tests.capacity.realservices import node_exporter_url  # noqa: F401 (fixture)
from tests.factories import AssetFactory


@pytest.fixture
def host_target(db, service, node_exporter_url):  # noqa: F811
    asset = AssetFactory(name="metrics-host", hostname="127.0.0.1", service=service)
    return ScrapeTarget.objects.create(asset=asset, url=node_exporter_url, interval=60,
                                       next_run_at=timezone.now() - timedelta(minutes=2))


def scrape_at(target: ScrapeTarget, moment) -> dict:
    ScrapeTarget.objects.filter(pk=target.pk).update(next_run_at=moment, lease_until=None)
    return scrape.capacity_scrape_dispatch(now=moment)


def test_the_real_exporter_gives_disk_memory_and_cpu_series(host_target):
    first = timezone.now() - timedelta(minutes=2)
    report = scrape_at(host_target, first)
    assert report["claimed"] == report["ok"] == 1 and report["samples"] > 0
    host_target.refresh_from_db()
    assert host_target.last_error == "" and host_target.last_samples == report["samples"]
    assert host_target.last_ok_at == first and host_target.lease_until is None
    series = {(s.kind, s.name): s for s in Series.objects.filter(asset=host_target.asset)}
    used, size = series[("fs_used", "/")], series[("fs_size", "/")]
    assert used.source == Source.SCRAPE
    assert 0 < used.last_value < size.last_value
    assert size.last_value > 100 * 1024 * 1024  # a real root file system
    assert used.capacity_series_id == size.pk
    assert used.last_at == first  # no timestamps in the exposition: the slot's moment
    memory = series[("memory", "")]
    assert 0 < memory.last_value < 100

    scrape_at(host_target, first + timedelta(minutes=1))
    cpu = Series.objects.get(asset=host_target.asset, kind="cpu", name="")
    assert cpu.last_value is not None and 0 <= cpu.last_value <= 100


def test_the_same_slot_scraped_twice_is_stored_once(host_target):
    slot = timezone.now() - timedelta(minutes=2)
    scrape_at(host_target, slot)
    before = {b.series_id: (b.count, b.total) for b in Bucket.objects.all()}
    assert before
    scrape_at(host_target, slot)  # a taken-over claim runs the same slot again
    after = {b.series_id: (b.count, b.total) for b in Bucket.objects.all()}
    assert after == before
