"""The demo's capacity data: three weeks of host metrics for a few servers, pushed through
capacity.services like an agent would, so the capacity board, the asset charts, the
forecast sweep and its CAP tickets have something true to show.

The shapes are the ones a team meets: a file share filling steadily (a ticket well before
it is full), a mail spool with a nightly log rotation on top of slow growth, a database
disk that was cleaned up a few days ago, flat busy disks that need nothing, weekday-peaking
CPU on the ERP servers, and a web server that came up hours ago (still learning). Values
are generated deterministically and ingested in chunks; a second run adds nothing.
"""

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

from capacity.models import Series
from capacity.samples import Sample
from capacity.services.ingest import samples_ingest
from itsm.models import Asset

DAYS = 21
STEP = timedelta(minutes=5)
GB = 1024 ** 3


def _disk(name, size_gb, start_gb, per_day_gb, *, sawtooth_gb=0.0, cleanup_days_ago=None,
          cleanup_gb=0.0):
    def used(t: datetime, now: datetime, rng: random.Random) -> float:
        days = (t - (now - timedelta(days=DAYS))).total_seconds() / 86400
        value = start_gb + per_day_gb * days
        if sawtooth_gb:  # logs grow through the day and are rotated away at 03:00
            value += sawtooth_gb * (((t.hour - 3) % 24) + t.minute / 60) / 24
        if cleanup_days_ago is not None and t >= now - timedelta(days=cleanup_days_ago):
            value -= cleanup_gb
        return min(size_gb, value + rng.gauss(0, 0.02)) * GB
    return name, size_gb * GB, used


def _cpu(base, peak):
    def busy(t: datetime, now: datetime, rng: random.Random) -> float:
        office = t.weekday() < 5 and 8 <= t.hour < 18
        value = base + (peak - base) * (math.sin(math.pi * (t.hour - 8) / 10) if office else 0)
        return max(0.0, min(100.0, value + rng.gauss(0, 2)))
    return busy


def _memory(level):
    def used(t: datetime, now: datetime, rng: random.Random) -> float:
        return max(0.0, min(100.0, level + rng.gauss(0, 1.5)))
    return used


# asset -> (disks, cpu, memory, hours of history or None for the full DAYS)
HOSTS = {
    "fs-01": ([_disk("/srv", 2000, 1420, 25.0), _disk("/", 50, 18, 0.01)],
              _cpu(8, 25), _memory(55), None),
    "mail-01": ([_disk("/var", 400, 250, 4.0, sawtooth_gb=12.0), _disk("/", 50, 21, 0.01)],
                _cpu(12, 40), _memory(68), None),
    "erp-db-1": ([_disk("/var/lib/postgresql", 1000, 760, 9.0, cleanup_days_ago=3,
                        cleanup_gb=180.0)], _cpu(15, 78), _memory(81), None),
    "erp-app-1": ([_disk("/", 100, 71, 0.0)], _cpu(10, 86), _memory(74), None),
    "backup-01": ([_disk("/backup", 8000, 7150, 0.0)], _cpu(5, 12), _memory(35), None),
    "web-02": ([_disk("/", 80, 12, 2.0)], _cpu(6, 20), _memory(40), 6),
}


def _samples(asset_name: str, now: datetime, rng: random.Random) -> list[Sample]:
    disks, cpu, memory, hours = HOSTS[asset_name]
    start = now - (timedelta(hours=hours) if hours else timedelta(days=DAYS))
    out: list[Sample] = []
    t = start.replace(second=0, microsecond=0)
    while t <= now:
        for name, size, used in disks:
            out.append(Sample(kind="fs_size", name=name, labels={}, t=t, v=size))
            out.append(Sample(kind="fs_used", name=name, labels={}, t=t, v=used(t, now, rng)))
        out.append(Sample(kind="cpu", name="", labels={}, t=t, v=cpu(t, now, rng)))
        out.append(Sample(kind="memory", name="", labels={}, t=t, v=memory(t, now, rng)))
        t += STEP
    return out


def seed_capacity(*, seed: int = 13, now: datetime | None = None, progress=None) -> int:
    """Push the demo hosts' history; returns how many samples were stored."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    stored = 0
    for asset in Asset.objects.filter(name__in=HOSTS).order_by("name"):
        if Series.objects.filter(asset=asset).exists():
            continue  # this host has reported before: a re-run adds nothing
        samples = _samples(asset.name, now, rng)
        for i in range(0, len(samples), 5000):
            stored += samples_ingest(asset=asset, samples=samples[i:i + 5000], now=now).accepted
        if progress:
            progress(asset.name)
    return stored
