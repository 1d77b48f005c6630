"""Rollup with a moved clock: old 5-minute buckets fold into hours, once; old hours go."""

from datetime import UTC, datetime, timedelta

import pytest

from capacity.models import Bucket, Series
from capacity.samples import Sample
from capacity.selectors.series import series_points
from capacity.services.ingest import samples_ingest
from capacity.services.rollup import buckets_rollup

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def test_old_buckets_roll_into_hours_once(asset):
    samples = [Sample(kind="load", name="", labels={}, t=T0 + timedelta(minutes=m), v=float(m))
               for m in range(0, 120, 5)]
    samples_ingest(asset=asset, samples=samples, source="push", now=T0 + timedelta(hours=2))
    series = Series.objects.get()
    later = T0 + timedelta(days=20)
    report = buckets_rollup(now=later)
    assert report == {"rolled": 24, "pruned": 0}
    assert buckets_rollup(now=later) == {"rolled": 0, "pruned": 0}
    hours = list(Bucket.objects.filter(series=series).order_by("start").values_list(
        "resolution", "start", "count", "total", "min", "max", "last", "last_at"))
    assert hours == [
        (3600, T0, 12, float(sum(range(0, 60, 5))), 0.0, 55.0, 55.0, T0 + timedelta(minutes=55)),
        (3600, T0 + timedelta(hours=1), 12, float(sum(range(60, 120, 5))), 60.0, 115.0, 115.0,
         T0 + timedelta(minutes=115))]
    points = series_points(series, start=T0, end=T0 + timedelta(days=3))
    assert [p[4] for p in points] == [55.0, 115.0]
    assert buckets_rollup(now=T0 + timedelta(days=401)) == {"rolled": 0, "pruned": 2}


def test_recent_buckets_stay(asset):
    samples_ingest(asset=asset, samples=[Sample(kind="load", name="", labels={}, t=T0, v=1.0)],
                   source="push", now=T0)
    assert buckets_rollup(now=T0 + timedelta(days=13)) == {"rolled": 0, "pruned": 0}
