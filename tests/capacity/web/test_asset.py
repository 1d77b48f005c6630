"""An asset's capacity charts: the spec (points downsampled, threshold, trend, cone,
events), the table beside it, the fragment in maintenance's asset page, and roles."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capacity.models import Bucket
from capacity.web.desk.charts import MAX_POINTS, downsample
from tests.capacity.web.data import GB, event, hourly, make_asset, make_series


def _spec(body: str, series) -> dict:
    marker = f'<script id="capacity-chart-{series.pk}" type="application/json">'
    return json.loads(body.split(marker, 1)[1].split("</script>", 1)[0])


def test_chart_spec_has_threshold_trend_cone_and_events(client_for, dee, db):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    asset = make_asset()
    series = make_series(asset, state="warning", threshold_value=450 * GB, last_value=400 * GB,
                         slope=2 * GB, slope_low=1 * GB, slope_high=3 * GB,
                         window_start=now - timedelta(days=14), window_end=now,
                         eta_earliest=now + timedelta(days=17),
                         eta_likely=now + timedelta(days=25), eta_latest=now + timedelta(days=50))
    # 90 days hourly, then the last 2 days in 5-minute buckets not rolled up yet.
    hourly(series, start=now - timedelta(days=90), hours=88 * 24)
    hourly(series, start=now - timedelta(days=2), hours=2 * 288, resolution=Bucket.FIVE_MINUTES)
    event(series, at=now - timedelta(days=20), note="grown to 500 GB")
    body = client_for(dee).get(reverse("capacity:asset", args=[asset.pk])).content.decode()
    spec = _spec(body, series)
    assert 0 < len(spec["points"]) <= MAX_POINTS
    assert spec["threshold"] == 450 * GB
    assert spec["trend"][1] == [int(now.timestamp() * 1000), 400 * GB]
    # The cone runs from the window's end to the latest ETA, slow and fast slopes apart.
    low, high = spec["cone"]["low"], spec["cone"]["high"]
    assert low[1][0] == high[1][0] == int((now + timedelta(days=50)).timestamp() * 1000)
    assert low[1][1] == pytest.approx(450 * GB) and high[1][1] == pytest.approx(550 * GB)
    assert spec["events"][0][1] == "Resized"
    # The table fallback: the same numbers in words, and the daily values.
    assert "450.0 GB" in body and "+2.0 GB/day" in body and "Daily values" in body
    assert "grown to 500 GB" in body


def test_downsample_keeps_extremes():
    now = timezone.now()
    start = now - timedelta(days=90)
    rows = [(start + timedelta(minutes=5 * n), float(n), float(n) * 12, 12, float(n) + 1)
            for n in range(90 * 288)]
    points = downsample(rows, start, now)
    assert len(points) <= MAX_POINTS
    assert points[0][1] == 0.0 and points[-1][3] == 90 * 288
    assert downsample([], start, now) == []


def test_fragment_and_page_and_maintenance_slot(client_for, dee, alice, manny, db):
    asset = make_asset()
    make_series(asset, state="learning")
    url = reverse("capacity:asset", args=[asset.pk])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(manny).get(url).status_code == 200
    fragment = client_for(dee).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "Filesystem used" in fragment
    page = client_for(dee).get(url).content.decode()
    assert "<html" in page and "<h1" in page
    maintenance = client_for(dee).get(reverse("maintenance:asset", args=[asset.pk]))
    assert f'hx-get="{url}"' in maintenance.content.decode()
    assert 'id="capacity-heading"' in maintenance.content.decode()


def test_asset_without_series_points_to_set_up(client_for, dee, db):
    asset = make_asset()
    body = client_for(dee).get(reverse("capacity:asset", args=[asset.pk])).content.decode()
    assert reverse("capacity:agent_asset", args=[asset.pk]) in body


def test_asset_page_query_count(client_for, dee, django_assert_max_num_queries, db):
    now = timezone.now()
    asset = make_asset()
    for n in range(10):
        s = make_series(asset, name=f"/d{n}")
        hourly(s, start=now - timedelta(days=3), hours=24)
    client = client_for(dee)
    client.get(reverse("capacity:asset", args=[asset.pk]))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("capacity:asset", args=[asset.pk])).status_code == 200
