"""Metrics push throughput: N assets × 20 series pushed through the real endpoint on gunicorn.

Creates --assets assets (replacing capacity data and assets named bench-ingest-*), one agent
token each, starts gunicorn on 127.0.0.1, then sends --rounds "minutes": every asset pushes
its 20 samples (JSON, like the agent: 6 mounts used/size, memory, swap, cpu, load, 6
network counters) from --clients concurrent keep-alive connections. Prints push p50/p95
latency and each round's wall time: a round under 60 s keeps up with one push per asset
per minute (no backlog). No sleeping between rounds: each round is as fast as it can go.

Usage: bench/capacity_ingest.py [--assets 1000] [--rounds 3] [--clients 8] [--workers N]
Needs DATABASE_URL (Postgres), as the other benches.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring_checks import start, stop  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")
PORT = 8098
MOUNTS = ["/", "/var", "/home", "/srv", "/opt", "/boot"]
NICS = [("eth0", "rx"), ("eth0", "tx"), ("eth1", "rx"), ("eth1", "tx"), ("bond0", "rx"),
        ("bond0", "tx")]


def body(round_no: int, t: float) -> bytes:
    samples = []
    for m in MOUNTS:
        samples.append({"series": "fs_size", "name": m, "t": t, "v": 100e9})
        samples.append({"series": "fs_used", "name": m, "t": t, "v": 40e9 + round_no * 1e6})
    samples += [{"series": "memory", "t": t, "v": 50.0}, {"series": "swap", "t": t, "v": 1.0},
                {"series": "cpu", "t": t, "v": 20.0}, {"series": "load", "t": t, "v": 0.7}]
    samples += [{"series": "network", "name": nic, "labels": {"direction": d}, "t": t,
                 "v": 1e9 + round_no * 6e6} for nic, d in NICS]
    return json.dumps({"samples": samples}).encode()


def client(work, lock, round_no, t, latencies, failures):
    """One keep-alive connection pushing for assets taken from `work` until none is left."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    while True:
        with lock:
            if not work:
                return
            pk, key = work.pop()
        started = time.perf_counter()
        conn.request("POST", f"/api/v1/assets/{pk}/metrics/", body(round_no, t),
                     {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if response.status != 200:
                failures.append(response.status)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres database (see the docstring)")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from itsm.models import Asset
    from itsm.services.asset_tokens import asset_token_create

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE capacity_bucket, capacity_seriesevent, capacity_followup, "
                       "capacity_series CASCADE")
    Asset.objects.filter(name__startswith="bench-ingest-").delete()
    Asset.objects.bulk_create(Asset(name=f"bench-ingest-{i}") for i in range(args.assets))
    assets = list(Asset.objects.filter(name__startswith="bench-ingest-").order_by("pk"))
    keys = [(a.pk, asset_token_create(asset=a, actor=None, name="bench")[1]) for a in assets]
    logs = Path(tempfile.mkdtemp(prefix="tend-ingest-bench-"))
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    web = start([gunicorn, "itsm.config.wsgi", "-w", str(args.workers), "-b",
                 f"127.0.0.1:{PORT}", "--log-level", "warning"], logs / "web.log")
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        print(f"{args.assets:,} assets × 20 series; gunicorn -w {args.workers}; "
              f"{args.clients} clients")
        for round_no in range(args.rounds):
            t = time.time() - (args.rounds - round_no) * 60  # one minute apart, in the past
            latencies, failures, lock = [], [], threading.Lock()
            work = list(keys)

            began = time.perf_counter()
            threads = [threading.Thread(target=client, args=(work, lock, round_no, t, latencies,
                                                           failures))
                       for _ in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
            cuts = statistics.quantiles(latencies, n=100)
            print(f"round {round_no + 1}: {len(latencies):,} pushes "
                  f"({len(latencies) * 20:,} samples) in {wall:.1f} s; p50 {cuts[49]:.1f} ms, "
                  f"p95 {cuts[94]:.1f} ms; non-200: {len(failures)}; "
                  f"{'keeps up' if wall < 60 and not failures else 'FALLS BEHIND'}")
    finally:
        stop(web)


if __name__ == "__main__":
    main()
