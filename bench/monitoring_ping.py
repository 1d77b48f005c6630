"""Heartbeat ping throughput: wrk against /ping/<uuid> on gunicorn, on 127.0.0.1 only.

Creates --checks heartbeat checks (replacing every check in the database), then drives
wrk at their ping URLs (a random one per request, GET and POST) and prints pings per
second, latency, and how many answers were not 200.

Usage: bench/monitoring_ping.py [--workers 2] [--duration 20] [--connections 32]
Needs DATABASE_URL (Postgres) as in bench/monitoring_checks.py, and wrk.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring_checks import env, start, stop  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")
PORT = 8097
SCRIPT = """
local ids = {%(ids)s}
math.randomseed(os.time())
request = function()
  local path = "/ping/" .. ids[math.random(#ids)]
  if "%(method)s" == "POST" then
    return wrk.format("POST", path, {["Content-Type"] = "text/plain"}, "backup ok")
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("NON2XX %%d\\n", summary.errors.status))
  io.write(string.format("P99MS %%.2f\\n", latency:percentile(99) / 1000))
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres database (see the docstring)")
    import django

    django.setup()
    import http.client
    import time

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from monitoring.models import Check

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring_checkresult, monitoring_checkrollup, "
                       "monitoring_checkstatechange, monitoring_checkincident, "
                       "monitoring_check CASCADE")
    now = timezone.now()
    Check.objects.bulk_create(
        Check(kind="heartbeat", name=f"job {i}", period=3600, grace=300, state_since=now,
              watch_since=now, next_run_at=now + timezone.timedelta(hours=1))
        for i in range(args.checks))
    ids = list(Check.objects.values_list("uuid", flat=True))
    logs = Path(tempfile.mkdtemp(prefix="tend-ping-bench-"))
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    web = start([gunicorn, "itsm.config.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
                 "--log-level", "warning"], logs / "web.log")
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                conn.request("GET", f"/ping/{ids[0]}")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        print(f"{args.checks:,} heartbeat checks; gunicorn -w {args.workers}; wrk -t2 "
              f"-c{args.connections} -d{args.duration}s")
        for method in ("POST", "GET"):
            script = logs / f"{method}.lua"
            script.write_text(SCRIPT % {"ids": ", ".join(f'"{u}"' for u in ids),
                                        "method": method})
            out = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "-s",
                 str(script), f"http://127.0.0.1:{PORT}"],
                capture_output=True, text=True, env=env(), check=True).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
            non2xx = int(re.search(r"NON2XX (\d+)", out)[1])
            p99 = float(re.search(r"P99MS ([\d.]+)", out)[1])
            total = int(re.search(r"(\d+) requests in", out)[1])
            print(f"  {method:<4} {rate:8,.0f} pings/s   p99 {p99:6.1f} ms   "
                  f"{total:,} requests, {non2xx} not 200")
        pinged = Check.objects.filter(last_ping_at__isnull=False).count()
        print(f"  checks that recorded a ping: {pinged:,} of {args.checks:,}")
    finally:
        stop(web)


if __name__ == "__main__":
    main()
