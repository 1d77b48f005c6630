"""The sweep on stored buckets, with a moved clock: forecasts stored on the series, one
capacity ticket, timeline entries only for material changes, resolved after a resize."""

from datetime import UTC, datetime, timedelta

import pytest

from capacity import shapes
from capacity.models import Bucket, FollowUp, Kind, Series, SeriesEvent, State, Unit
from capacity.services.forecasting import capacity_forecast_sweep
from tickets.models import Kind as TicketKind
from tickets.models import Source, Status, TicketEvent

pytestmark = pytest.mark.django_db


def _load(asset, shape, *, until_day=None):
    size = Series.objects.create(asset=asset, kind=Kind.FS_SIZE, name="/", key="fs_size:/",
                                 unit=Unit.BYTES, last_value=float(shape.size[0]))
    used = Series.objects.create(asset=asset, kind=shape.kind, name="/", key=f"{shape.kind}:/",
                                 unit=Unit.BYTES, capacity_series=size)
    rows = []
    for t, low, mean, high, last in zip(shape.t, shape.low, shape.mean, shape.high, shape.last,
                                        strict=True):
        at = datetime.fromtimestamp(t, tz=UTC)
        rows.append(Bucket(series=used, resolution=Bucket.HOUR, start=at, count=12,
                           total=mean * 12, min=low, max=high, last=last,
                           last_at=at + timedelta(minutes=55)))
    Bucket.objects.bulk_create(rows, batch_size=2000)
    return used, size


def _sweep(used, day):
    now = shapes.Shape.at(day)
    t = now.timestamp()
    # what ingest keeps current: the latest value
    last = Bucket.objects.filter(series=used, start__lt=now).order_by("-start").first()
    Series.objects.filter(pk=used.pk).update(last_value=last.last, last_at=last.last_at)
    counts = capacity_forecast_sweep(now=now)
    used.refresh_from_db()
    assert t
    return counts


def test_steady_growth_opens_one_ticket_at_the_right_time(asset):
    shape = shapes.steady()
    used, _size = _load(asset, shape)
    opened_on = None
    for day in range(30, 50):
        _sweep(used, day)
        if opened_on is None and FollowUp.objects.filter(series=used).exists():
            opened_on = day
    follow_up = FollowUp.objects.get(series=used)
    ticket = follow_up.ticket
    assert ticket.kind == TicketKind.CAPACITY and ticket.source == Source.CAPACITY
    assert ticket.asset_id == asset.pk
    assert "ETA" in ticket.description and "/desk/capacity/assets/" in ticket.description
    assert 0 < (shape.truth - shapes.Shape.at(opened_on)).days <= 14
    assert used.state in (State.WARNING, State.CRITICAL)
    assert abs((used.eta_likely - shape.truth) / timedelta(days=1)) < 1.0
    assert used.slope == pytest.approx(0.01 * shapes.SIZE, rel=0.1)
    notices = TicketEvent.objects.filter(ticket=ticket, field="capacity ETA").count()
    assert notices <= 2  # a steady ETA is not news every day


def test_resize_resolves_the_open_ticket_with_a_note(asset):
    shape = shapes.resize()
    used, size = _load(asset, shape)
    for day in range(5, 16):
        _sweep(used, day)
    follow_up = FollowUp.objects.get(series=used)
    assert follow_up.closed_at is None
    resize_at = shapes.Shape.at(16)
    SeriesEvent.objects.create(series=size, kind=SeriesEvent.Kind.RESIZE, at=resize_at,
                               before=shapes.SIZE, after=2 * shapes.SIZE)
    Series.objects.filter(pk=size.pk).update(last_value=2 * shapes.SIZE)
    counts = _sweep(used, 16.5)
    follow_up.refresh_from_db()
    assert follow_up.closed_at is not None and counts.get("resolved") == 1
    assert follow_up.ticket.status == Status.RESOLVED
    assert TicketEvent.objects.filter(ticket=follow_up.ticket, message__contains="Resized").exists()
    assert used.state == State.LEARNING
    _sweep(used, 20)
    assert FollowUp.objects.filter(series=used, closed_at__isnull=True).count() == 0


def test_flat_series_over_static_threshold_raises_a_ticket(asset):
    shape = shapes.flat()
    used, _size = _load(asset, shape)
    Series.objects.filter(pk=used.pk).update(threshold=0.80 * shapes.SIZE)
    _sweep(used, 10)
    assert used.state == State.FULL
    follow_up = FollowUp.objects.get(series=used)
    assert follow_up.reason == "threshold"
    _sweep(used, 11)  # run twice: still one
    assert FollowUp.objects.filter(series=used).count() == 1


def test_flat_and_new_series_raise_nothing(asset, other_asset):
    used, _ = _load(asset, shapes.flat())
    fresh = Series.objects.create(asset=other_asset, kind=Kind.MEMORY, key="memory",
                                  unit=Unit.PERCENT)
    counts = capacity_forecast_sweep(now=shapes.Shape.at(20))
    used.refresh_from_db()
    fresh.refresh_from_db()
    assert used.state == State.OK and used.eta_earliest is None
    assert fresh.state == State.LEARNING and fresh.forecast_at is not None
    assert counts["series"] == 2 and not FollowUp.objects.exists()


def test_sweep_queries_are_bounded(asset, other_asset, django_assert_max_num_queries):
    for a in (asset, other_asset):
        _load(a, shapes.flat(days=5))
    with django_assert_max_num_queries(8):
        capacity_forecast_sweep(now=shapes.Shape.at(5))
