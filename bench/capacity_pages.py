"""Capacity pages benchmark: an asset with 10 series over 90 days, and the board.

Builds its own data set in a separate Postgres database (created if missing; reused on
the next run unless --rebuild): --assets assets with 10 series each, forecast fields
spread so the board sorts a real mix of states and ETAs, and on asset "cap-bench-000"
90 days of buckets per series the way the store keeps them (hourly roll-ups for days
15–90, 5-minute buckets for the last 14 days: 5,856 buckets a series, 58,560 in all).
Then it times, in-process through the whole Django stack (middleware, sessions,
templates), as a DSE:
- the asset's capacity section (the htmx fragment the asset page loads) and its page;
  target < 200 ms median;
- maintenance's asset page (which now offers the capacity slot);
- the capacity board, unfiltered and by state; the agent set-up page.

Usage: bench/capacity_pages.py [--db tend_bench_capacity] [--assets 200] [--rebuild] [--runs 30]
Needs Postgres at DATABASE_HOST (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MOUNTS = ["/", "/var", "/srv", "/home", "/opt", "/boot", "/data"]
GB = 1024 ** 3


def prepare_database(name: str, rebuild: bool) -> None:
    import psycopg2

    server = os.environ.get("DATABASE_HOST", "postgres://postgres@127.0.0.1:5432")
    conn = psycopg2.connect(f"{server}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        if rebuild:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.update(DJANGO_SETTINGS_MODULE="itsm.config.settings", DEBUG="0",
                      SECRET_KEY="bench-" + "k" * 50, SECURE_SSL_REDIRECT="0",
                      SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", LOG_LEVEL="WARNING",
                      ALLOWED_HOSTS="localhost")
    os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("REDIS_URL") or "memory://")


def _series_of(asset, rng, now):
    from capacity.models import Series

    kinds = [("fs_used", m, "bytes") for m in MOUNTS] + [
        ("memory", "", "percent"), ("cpu", "", "percent"), ("load", "", "")]
    rows = []
    for kind, name, unit in kinds:
        state = rng.choice(["ok"] * 5 + ["warning", "critical", "learning"])
        days = rng.uniform(3, 120)
        rows.append(Series(
            asset=asset, kind=kind, name=name, unit=unit, key=f"{kind}|{name}", state=state,
            threshold_value=450 * GB if unit == "bytes" else 90.0,
            last_value=300 * GB if unit == "bytes" else 60.0, last_at=now, first_at=now,
            slope=(1.5 * GB if unit == "bytes" else 0.3),
            slope_low=(1.0 * GB if unit == "bytes" else 0.2),
            slope_high=(2.0 * GB if unit == "bytes" else 0.4),
            window_start=now - timedelta(days=14), window_end=now,
            eta_earliest=None if state == "learning" else now + timedelta(days=days),
            eta_likely=None if state == "learning" else now + timedelta(days=days * 1.3),
            eta_latest=None if state == "learning" else now + timedelta(days=days * 1.8)))
    return Series.objects.bulk_create(rows)


def build(assets: int) -> None:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from capacity.models import Bucket, SeriesEvent
    from itsm.models import Asset, User

    rng, now = random.Random(13), timezone.now().replace(second=0, microsecond=0)
    made = Asset.objects.bulk_create([Asset(name=f"cap-bench-{n:03}", hostname=f"h{n}.bench")
                                      for n in range(assets)])
    first = None
    for n, asset in enumerate(made):
        series = _series_of(asset, rng, now)
        first = first or series
        print(f"\r  series: {(n + 1) * 10:,}/{assets * 10:,}", end="", flush=True)
    print()
    start, raw_from = now - timedelta(days=90), now - timedelta(days=14)
    for s in first:
        rows, t, v = [], start, 100.0 * GB if s.unit == "bytes" else 40.0
        step_h, step_5 = timedelta(hours=1), timedelta(minutes=5)
        while t < now:
            step, res = (step_h, Bucket.HOUR) if t < raw_from else (step_5, Bucket.FIVE_MINUTES)
            v += (GB / 24 if s.unit == "bytes" else 0.01) * step.total_seconds() / 3600
            noise = v * 0.01 * rng.random()
            rows.append(Bucket(series=s, resolution=res, start=t, count=12, total=12 * v,
                               min=v - noise, max=v + noise, last=v, last_at=t + step / 2))
            t += step
        Bucket.objects.bulk_create(rows, batch_size=5000)
        SeriesEvent.objects.create(series=s, kind="cleanup", at=now - timedelta(days=30))
        print(f"  buckets of {s}: {len(rows):,}")
    user, _ = User.objects.get_or_create(username="bench-dse", defaults={"is_active": True})
    user.groups.add(Group.objects.get(name="DSE"))


def timed(client, path: str, runs: int, **headers) -> tuple[float, float, int]:
    for _ in range(3):  # warm-up
        client.get(path, headers=headers)
    samples, status = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], status


def bench_pages(runs: int) -> None:
    from django.test import Client

    from capacity.models import Bucket, Series
    from itsm.models import Asset, User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench-dse"))
    asset = Asset.objects.get(name="cap-bench-000").pk
    print(f"series: {Series.objects.count():,}, buckets: {Bucket.objects.count():,}")
    print(f"Pages ({runs} sequential requests each, in-process, after a warm-up):")
    for label, path, headers in [
            ("asset section, 10 series × 90 days", f"/desk/capacity/assets/{asset}/",
             {"HX-Request": "true"}),
            ("asset capacity page", f"/desk/capacity/assets/{asset}/", {}),
            ("maintenance asset page (slot)", f"/desk/maintenance/assets/{asset}/", {}),
            ("capacity board", "/desk/capacity/", {}),
            ("capacity board, critical", "/desk/capacity/?state=critical", {}),
            ("agent set-up, list", "/desk/capacity/agents/", {}),
            ("agent set-up, one asset", f"/desk/capacity/agents/{asset}/", {})]:
        median, p95, status = timed(client, path, runs, **headers)
        print(f"  {label:<38} median {median:7.1f} ms   p95 {p95:7.1f} ms   HTTP {status}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="tend_bench_capacity")
    parser.add_argument("--assets", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    prepare_database(args.db, args.rebuild)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from capacity.models import Series

    call_command("migrate", verbosity=0)
    if not Series.objects.exists():
        with transaction.atomic():  # all or nothing: a failed build is not reused
            build(args.assets)
        with connection.cursor() as cur:
            for table in ("capacity_series", "capacity_bucket", "itsm_asset"):
                cur.execute(f"VACUUM ANALYZE {table}")
    bench_pages(args.runs)


if __name__ == "__main__":
    main()
