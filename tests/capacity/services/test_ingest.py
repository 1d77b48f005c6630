"""samples_ingest: buckets, idempotency, backlogs, counter rates and resets, resizes."""

from datetime import UTC, datetime, timedelta

import pytest

from capacity.models import Bucket, Series, SeriesEvent
from capacity.samples import Sample
from capacity.services.ingest import samples_ingest

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3)
pytestmark = pytest.mark.django_db


def gauge(kind, v, t, name="/"):
    return Sample(kind=kind, name=name, labels={}, t=t, v=v, unit="bytes")


def buckets(series):
    return list(Bucket.objects.filter(series=series).order_by("start")
                .values_list("start", "count", "total", "min", "max", "last"))


def test_samples_become_five_minute_buckets(asset, django_assert_max_num_queries):
    samples = [gauge("fs_used", v, T0 + timedelta(minutes=m))
               for m, v in [(0, 10), (1, 30), (2, 20), (5, 40)]]
    with django_assert_max_num_queries(10):
        result = samples_ingest(asset=asset, samples=samples, source="push", now=NOW)
    assert (result.accepted, result.series, result.created) == (4, 1, 1)
    series = Series.objects.get(asset=asset, kind="fs_used")
    assert buckets(series) == [(T0, 3, 60.0, 10.0, 30.0, 20.0),
                               (T0 + timedelta(minutes=5), 1, 40.0, 40.0, 40.0, 40.0)]
    assert (series.last_value, series.last_at, series.first_at) == (40.0, samples[-1].t, T0)


def test_resending_a_push_changes_nothing(asset):
    samples = [gauge("fs_used", 10 + m, T0 + timedelta(minutes=m)) for m in range(7)]
    samples_ingest(asset=asset, samples=samples, source="push", now=NOW)
    series = Series.objects.get(asset=asset)
    before = buckets(series)
    again = samples_ingest(asset=asset, samples=samples, source="push", now=NOW)
    assert (again.accepted, again.skipped) == (0, 7)
    assert buckets(series) == before


def test_a_backlog_with_original_timestamps_fills_missed_buckets(asset):
    latest = gauge("fs_used", 99, T0 + timedelta(hours=1))
    samples_ingest(asset=asset, samples=[gauge("fs_used", 1, T0), latest], source="push",
                   now=NOW)
    backlog = [gauge("fs_used", 50, T0 + timedelta(minutes=m)) for m in range(10, 60, 5)]
    result = samples_ingest(asset=asset, samples=backlog, source="push", now=NOW)
    assert result.accepted == len(backlog)
    series = Series.objects.get(asset=asset)
    assert len(buckets(series)) == 12
    assert (series.last_value, series.last_at) == (99.0, latest.t)  # an older sample: not latest


def test_counters_become_rates_and_a_reset_is_an_event(asset):
    def counter(v, minute):
        return Sample(kind="network", name="eth0", labels={"direction": "rx"},
                      t=T0 + timedelta(minutes=minute), v=v, counter=True,
                      unit="bytes_per_second")

    samples_ingest(asset=asset, samples=[counter(0, 0), counter(6000, 1), counter(12000, 2)],
                   source="push", now=NOW)
    series = Series.objects.get(asset=asset)
    assert series.is_counter and series.last_value == 100.0
    result = samples_ingest(asset=asset, samples=[counter(500, 3), counter(6500, 4)],
                            source="push", now=NOW)
    assert result.events == 1
    event = SeriesEvent.objects.get(series=series)
    assert (event.kind, event.before, event.after) == ("reset", 12000.0, 500.0)
    values = [row[3] for row in buckets(series)]  # min per bucket: never negative
    assert min(values) >= 0
    series.refresh_from_db()
    assert series.last_value == 100.0 and series.last_raw == 6500.0


def test_used_links_to_size_and_a_resize_is_recorded_on_both(asset):
    size = 100 * 2**30
    samples_ingest(asset=asset, samples=[gauge("fs_size", size, T0),
                                         gauge("fs_used", size / 2, T0)], source="push", now=NOW)
    used = Series.objects.get(asset=asset, kind="fs_used")
    assert used.capacity_series.kind == "fs_size"
    samples_ingest(asset=asset, samples=[gauge("fs_size", size * 1.005, T0 + timedelta(minutes=1))],
                   source="push", now=NOW)
    assert not SeriesEvent.objects.exists()  # under 1 %: rounding, not a resize
    samples_ingest(asset=asset, samples=[gauge("fs_size", size * 2, T0 + timedelta(minutes=2))],
                   source="push", now=NOW)
    assert set(SeriesEvent.objects.values_list("series__kind", "kind")) == {
        ("fs_size", "resize"), ("fs_used", "resize")}
