"""Forecast sweep benchmark: 20,000 series with 14 days of hourly buckets, one sweep.

Seeds (deterministically, with COPY) into the DATABASE_URL database — Postgres — 1,000
assets "fc-bench-0000…" with 15 fs_used mounts (each with its fs_size), memory, cpu, swap,
load and one custom series: 20,000 forecast series, 6.7 M buckets. Shapes are mixed:
steady growth at many rates, flat, daily sawtooth, a clean-up; a few fill within the lead
time, so the sweep opens real tickets. Then it times capacity_forecast_sweep (target
< 60 s on 2 cores) twice: the first run opens tickets, the second is the steady state.

Usage: DATABASE_URL=postgres://… bench/capacity_forecast.py [--assets 1000] [--days 14]
       [--rebuild]
"""

import argparse
import io
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
MOUNTS = [f"/m{i:02d}" for i in range(15)]
SIZE = 500e9


def setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a Postgres database (the bench seeds into it).")
    os.environ.update(DJANGO_SETTINGS_MODULE="itsm.config.settings", DEBUG="0",
                      SECRET_KEY="bench-" + "k" * 50, LOG_LEVEL="WARNING")
    os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("REDIS_URL") or "memory://")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _values(rng, kind: str, hours: np.ndarray) -> np.ndarray:
    days = hours / 24.0
    pick = rng.random()
    if kind in ("memory", "cpu", "swap", "load", "custom"):
        daily = 15 * np.exp(-((hours % 24 - 13) ** 2) / 8)
        return 30 + rng.uniform(0, 0.5) * days + daily + rng.normal(0, 1.5, len(hours))
    base = rng.uniform(0.2, 0.7) * SIZE
    if pick < 0.4:
        v = base + rng.uniform(0.0005, 0.02) * SIZE * days
    elif pick < 0.7:
        v = np.full(len(hours), base)
    elif pick < 0.9:
        v = base + 0.005 * SIZE * days + 0.02 * SIZE * (hours % 24) / 24
    else:
        v = base + 0.01 * SIZE * days - np.where(days > days[-1] - 3, 0.15 * SIZE, 0)
    return np.clip(v + rng.normal(0, 0.002 * SIZE, len(hours)), 0, 0.95 * SIZE)


def seed(assets: int, days: int, rebuild: bool) -> None:
    from django.db import connection, transaction

    from capacity.models import Bucket, Series
    from itsm.models import Asset

    have = Series.objects.filter(asset__name__startswith="fc-bench-").exclude(
        kind="fs_size").count()
    if have == assets * 20 and not rebuild:
        print(f"reusing {have} series")
        return
    began = time.perf_counter()
    Asset.objects.filter(name__startswith="fc-bench-").delete()
    rng = np.random.default_rng(13)
    hours = np.arange(days * 24, dtype=float)
    start = NOW - timedelta(days=days)
    stamps = [(start + timedelta(hours=h)).isoformat() for h in range(days * 24)]
    done = [(start + timedelta(hours=h, minutes=55)).isoformat() for h in range(days * 24)]
    for a in range(assets):
        with transaction.atomic():
            asset = Asset.objects.create(name=f"fc-bench-{a:04d}")
            sizes = Series.objects.bulk_create(
                Series(asset=asset, kind="fs_size", name=m, key=f"fs_size|{m}", unit="bytes",
                       last_value=SIZE) for m in MOUNTS)
            rows = [Series(asset=asset, kind="fs_used", name=m, key=f"fs_used|{m}",
                           unit="bytes", capacity_series=s) for m, s in zip(MOUNTS, sizes,
                                                                            strict=True)]
            rows += [Series(asset=asset, kind=k, name="", key=k, unit="percent")
                     for k in ("memory", "cpu", "swap", "load", "custom")]
            series = Series.objects.bulk_create(rows)
            buf = io.StringIO()
            for s in series:
                v = _values(rng, s.kind, hours)
                Series.objects.filter(pk=s.pk).update(last_value=float(v[-1]), last_at=NOW,
                                                      first_at=start)
                for i in range(len(hours)):
                    x = v[i]
                    buf.write(f"{s.pk}\t3600\t{stamps[i]}\t12\t{x * 12}\t{x}\t{x}\t{x}\t"
                              f"{done[i]}\n")
            buf.seek(0)
            with connection.cursor() as cur:
                cur.cursor.copy_expert(
                    f"COPY {Bucket._meta.db_table} (series_id, resolution, start, count, total,"
                    " min, max, last, last_at) FROM STDIN", buf)
        if a % 100 == 99:
            print(f"  seeded {a + 1} assets ({time.perf_counter() - began:.0f} s)")
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {Bucket._meta.db_table}")
    print(f"seeded {assets * 20} series × {days * 24} buckets in "
          f"{time.perf_counter() - began:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    setup()
    seed(args.assets, args.days, args.rebuild)
    from capacity.services.forecasting import capacity_forecast_sweep

    for label in ("first sweep (opens tickets)", "second sweep (steady state)"):
        began = time.perf_counter()
        counts = capacity_forecast_sweep(now=NOW)
        took = time.perf_counter() - began
        series = counts.pop("series")
        print(f"{label}: {series} series in {took:.1f} s "
              f"({series / took:.0f} series/s; target < 60 s) {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
