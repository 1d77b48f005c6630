"""Check engine benchmark: N HTTP checks against a local server, through beat and a worker.

Starts, on this machine: a small asyncio HTTP server on 127.0.0.1 (the target), gunicorn
(idle, as in production), a Celery worker (--concurrency 2) and beat, all on the Postgres
in DATABASE_URL and the Redis in REDIS_URL. Replaces every check in that database with
N benchmark checks, lets them run for --duration seconds, then reports: results stored
against slots planned, lag between planned and actual run (p50/p95/p99/max), and the
highest check rate reached over 10-second buckets.

Usage: bench/monitoring_checks.py [--checks 10000] [--interval 60] [--duration 300]
Needs: createdb -h 127.0.0.1 -U postgres tend_mon_bench
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/tend_mon_bench
       REDIS_URL=redis://127.0.0.1:6379/13
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")

RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            b"Connection: close\r\n\r\nok")


class Target(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""

    def data_received(self, data):
        self.buffer += data
        if b"\r\n\r\n" in self.buffer:
            self.transport.write(RESPONSE)
            self.transport.close()


def serve(port: int) -> None:
    async def main():
        server = await asyncio.get_running_loop().create_server(Target, "127.0.0.1", port,
                                                                backlog=4096)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def env() -> dict:
    values = dict(os.environ)
    values.update(DEBUG="0", SECRET_KEY="bench-" + "k" * 50, ALLOWED_HOSTS="127.0.0.1",
                  SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0",
                  LOG_LEVEL="WARNING")
    return values


def start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env(), stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen, sig=signal.SIGTERM, wait: float = 30) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def prepare(count: int, interval: int, url: str, first_at) -> None:
    from django.db import connection

    from monitoring.models import Check

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring_checkresult, monitoring_checkrollup, "
                       "monitoring_checkstatechange, monitoring_checkincident, "
                       "monitoring_check CASCADE")
    rows = []
    for i in range(count):
        check = Check(kind="http", name=f"bench {i:05d}", target=url, interval=interval,
                      timeout=5, state="unknown", state_since=first_at, watch_since=first_at)
        check.next_run_at = check.first_run_after(first_at)
        rows.append(check)
    Check.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_check")


def report(start, end, interval: int) -> dict:
    from django.db import connection

    from monitoring import slots
    from monitoring.models import Check

    expected = 0
    for uid in Check.objects.values_list("uuid", flat=True):
        first = slots.slot_at_or_after(start, interval, slots.offset_ms(uid, interval))
        if first < end:
            expected += 1 + int((end - first - timedelta(microseconds=1)).total_seconds()
                                // interval)
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY lag),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY lag),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY lag),
                   max(lag),
                   sum(CASE WHEN outcome = 'up' THEN 1 ELSE 0 END)
            FROM (SELECT extract(epoch FROM ran_at - planned_at) AS lag, outcome
                  FROM monitoring_checkresult
                  WHERE planned_at >= %s AND planned_at < %s) AS r""", [start, end])
        stored, p50, p95, p99, worst, up = cursor.fetchone()
        cursor.execute("""
            SELECT max(n) / 10.0 FROM (
              SELECT count(*) AS n FROM monitoring_checkresult
              WHERE ran_at >= %s AND ran_at < %s
              GROUP BY floor(extract(epoch FROM ran_at) / 10)) AS b""", [start, end])
        (peak,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM monitoring_checkresult")
        (total,) = cursor.fetchone()
    return {"expected": expected, "stored": stored, "up": up, "p50": p50, "p95": p95,
            "p99": p99, "max": worst, "peak_rate": peak, "total_results": total}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--duration", type=int, default=300, help="measured seconds")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres database (see the docstring)")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL (see the docstring)")
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    logs = Path(tempfile.mkdtemp(prefix="tend-mon-bench-"))
    bin_dir = Path(sys.executable).parent
    url = f"http://127.0.0.1:{args.port}/health"
    target = start([sys.executable, __file__, "--serve", str(args.port)], logs / "target.log")
    begin = timezone.now() + timedelta(seconds=20)
    print(f"preparing {args.checks:,} checks every {args.interval} s against {url} …",
          flush=True)
    prepare(args.checks, args.interval, url, begin)
    procs = [
        start([str(bin_dir / "gunicorn"), "itsm.config.wsgi", "-w", "2", "-b", "127.0.0.1:8098",
               "--log-level", "warning"], logs / "web.log"),
        start([str(bin_dir / "celery"), "-A", "itsm.config", "worker", "--loglevel=WARNING",
               "--concurrency=2", "--without-gossip", "--without-mingle"],
              logs / "worker.log"),
        start([str(bin_dir / "celery"), "-A", "itsm.config", "beat", "--loglevel=WARNING",
               "-s", str(logs / "beat-schedule")], logs / "beat.log"),
    ]
    window_start = begin + timedelta(seconds=args.warmup)
    window_end = window_start + timedelta(seconds=args.duration)
    print(f"running; measuring {window_start:%H:%M:%S}–{window_end:%H:%M:%S} UTC "
          f"(logs in {logs})", flush=True)
    try:
        while timezone.now() < window_end:
            time.sleep(30)
            from monitoring.models import CheckResult

            recent = CheckResult.objects.filter(
                ran_at__gte=timezone.now() - timedelta(seconds=30)).count()
            print(f"  {timezone.now():%H:%M:%S} results in the last 30 s: {recent:,} "
                  f"({recent / 30:.0f}/s)", flush=True)
        stop(procs[2])  # beat: no new slots; let the worker finish what it holds
        time.sleep(15)
    finally:
        for proc in reversed(procs):
            stop(proc)
        stop(target)
    figures = report(window_start, window_end, args.interval)
    print(f"\n{args.checks:,} HTTP checks every {args.interval} s, measured over "
          f"{args.duration} s:")
    print(f"  slots planned        {figures['expected']:,}")
    print(f"  results stored       {figures['stored']:,} "
          f"({figures['stored'] / max(1, figures['expected']) * 100:.2f}%), "
          f"{figures['up']:,} up")
    print(f"  lag planned→run      p50 {figures['p50']:.3f} s   p95 {figures['p95']:.3f} s   "
          f"p99 {figures['p99']:.3f} s   max {figures['max']:.3f} s")
    print(f"  peak check rate      {figures['peak_rate']:.0f} checks/s (10-s buckets)")
    print(f"  sustained rate       {figures['stored'] / args.duration:.0f} checks/s")


if __name__ == "__main__":
    main()
