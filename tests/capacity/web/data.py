"""Capacity data for the page and report tests: series with forecast fields, buckets,
events and follow-ups, written directly (tests set up state; the forecaster is tested in
its own files)."""

from datetime import datetime, timedelta

from capacity.models import Bucket, FollowUp, Series, SeriesEvent
from itsm.models import Asset
from tests.factories import make_ticket

GB = 1024 ** 3


def make_asset(name="db-01", **kwargs) -> Asset:
    return Asset.objects.create(name=name, hostname=kwargs.pop("hostname", f"{name}.example"),
                                **kwargs)


def make_series(asset, *, kind="fs_used", name="/var", unit="bytes", **fields) -> Series:
    return Series.objects.create(asset=asset, kind=kind, name=name, unit=unit,
                                 key=f"{kind}|{name}", **fields)


def hourly(series, *, start: datetime, hours: int, value=lambda n: 100.0 * GB + n * GB / 24,
           resolution=Bucket.HOUR, threshold_at: float | None = None) -> None:
    """One bucket per step from `start`, valued by `value(n)` (peak a little above)."""
    step = timedelta(seconds=resolution)
    rows = []
    for n in range(hours):
        v = value(n)
        rows.append(Bucket(series=series, resolution=resolution, start=start + n * step,
                           count=12, total=12 * v, min=v * 0.99, max=v * 1.01, last=v,
                           last_at=start + n * step + step / 2))
    Bucket.objects.bulk_create(rows, batch_size=2000)


def event(series, *, kind="resize", at: datetime, note="") -> SeriesEvent:
    return SeriesEvent.objects.create(series=series, kind=kind, at=at, note=note)


def follow_up(series, requester, *, opened_at: datetime, eta_likely=None,
              closed_at=None) -> FollowUp:
    ticket = make_ticket(requester, kind="capacity", title=f"{series} fills up", now=opened_at)
    return FollowUp.objects.create(series=series, ticket=ticket, reason="forecast",
                                   opened_at=opened_at, eta_likely=eta_likely,
                                   eta_earliest=eta_likely, closed_at=closed_at)


def resolve(up: FollowUp, actor, *, at: datetime) -> None:
    from tickets import services

    services.ticket_transition(ticket=up.ticket, actor=actor, to="in_progress", now=at)
    services.ticket_transition(ticket=up.ticket, actor=actor, to="resolved", now=at)
