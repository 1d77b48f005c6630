"""The monitoring board with 10,000 checks and 90 days of hourly rollups, on gunicorn.

Replaces every check in the database with --checks checks (a mix of states), gives each
90 days of hourly rollups (--checks × 2,160 rows, made in SQL), a day of raw results and
a few state changes, then times the board, a filtered board, the check page and the
status page (median and p95 of sequential requests after a warm-up).

Usage: bench/monitoring_board.py [--checks 10000] [--requests 30] [--keep]
Needs DATABASE_URL (Postgres) as in bench/monitoring_checks.py.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring_checks import env, start, stop  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")
# Sessions are signed with the key: make them with the one the server runs with.
os.environ["SECRET_KEY"] = env()["SECRET_KEY"]
PORT = 8094


def seed(count: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from itsm.models import Service, Team, User
    from monitoring.models import Check

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring_checkresult, monitoring_checkrollup, "
                       "monitoring_checkstatechange, monitoring_checkincident, "
                       "monitoring_check CASCADE")
    user, _ = User.objects.get_or_create(username="bench-dse", defaults={"first_name": "Bench"})
    user.groups.add(Group.objects.get(name="DSE"))
    teams = [Team.objects.get_or_create(name=f"Bench team {i}")[0] for i in range(5)]
    services = [Service.objects.get_or_create(name=f"Bench service {i}")[0] for i in range(40)]
    now = timezone.now()
    states = ["up"] * 90 + ["down"] * 4 + ["degraded"] * 3 + ["pending", "paused", "unknown"]
    kinds = ["http"] * 7 + ["tcp", "dns", "tls"]
    Check.objects.bulk_create(
        (Check(kind=kinds[i % 10], name=f"{kinds[i % 10]} check {i:05d}",
               target="127.0.0.1:443" if kinds[i % 10] in ("tcp", "tls") else
               ("localhost" if kinds[i % 10] == "dns" else f"http://127.0.0.1/{i}"),
               state=states[i % 100], state_since=now, watch_since=now, service=services[i % 40],
               team=teams[i % 5], last_run_at=now, last_outcome="up", last_latency_ms=12.5,
               last_message="HTTP 200 in 13 ms.", next_run_at=now)
         for i in range(count)), batch_size=2000)
    print(f"  {count:,} checks; making {count * 2160:,} hourly rollups …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO monitoring_checkrollup (owner_id, hour, count, failures, degraded,
                latency_count, latency_sum, latency_min, latency_max)
            SELECT c.id, h.hour, 60,
                   CASE WHEN random() < 0.02 THEN (random() * 10)::int ELSE 0 END,
                   0, 60, 60 * (10 + random() * 40), 8, 90
            FROM monitoring_check c
            CROSS JOIN generate_series(date_trunc('hour', now()) - interval '2159 hours',
                                       date_trunc('hour', now()), interval '1 hour') AS h(hour)
        """)
        cursor.execute("""
            INSERT INTO monitoring_checkresult (owner_id, planned_at, ran_at, outcome,
                latency_ms, message)
            SELECT c.id, s.t, s.t, 'up', 10 + random() * 40, ''
            FROM monitoring_check c
            CROSS JOIN generate_series(now() - interval '24 hours', now(), interval '1 minute')
                 AS s(t)
            WHERE c.id = (SELECT min(id) FROM monitoring_check)
        """)
        cursor.execute("""
            INSERT INTO monitoring_checkstatechange (owner_id, from_state, to_state, at, reason)
            SELECT c.id, '', c.state, now() - interval '100 days', 'bench'
            FROM monitoring_check c
        """)
        cursor.execute("VACUUM ANALYZE")


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from itsm.models import User

    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}"


def timed(path: str, headers: dict, n: int) -> tuple[float, float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    samples, status, size = [], 0, 0
    for i in range(n + 5):
        begin = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if i >= 5:
            samples.append((time.perf_counter() - begin) * 1000)
        status, size = response.status, len(body)
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], status, size


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the data already seeded")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres database (see the docstring)")
    import django

    django.setup()
    from django.core.management import call_command

    from monitoring.models import Check, CheckRollup

    call_command("migrate", verbosity=0)
    if not args.keep or not Check.objects.exists():
        print("seeding …", flush=True)
        seed(args.checks)
    checks, rollups = Check.objects.count(), CheckRollup.objects.count()
    first = Check.objects.order_by("pk").first()
    service = first.service_id
    cookie = {"Cookie": session_cookie("bench-dse")}
    logs = Path(tempfile.mkdtemp(prefix="tend-board-bench-"))
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    web = start([gunicorn, "itsm.config.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}",
                 "--log-level", "warning"], logs / "web.log")
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request(
                    "GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.1)
        print(f"{checks:,} checks, {rollups:,} hourly rollups; gunicorn -w 2, "
              f"{args.requests} sequential requests each")
        cases = [
            ("board, page 1 (100 checks)", "/desk/monitoring/"),
            ("board, state=down", "/desk/monitoring/?state=down"),
            ("board, search 'check 0123'", "/desk/monitoring/?q=check+0123"),
            ("board, service filter, page 2", f"/desk/monitoring/?service={service}&page=2"),
            ("check page", f"/desk/monitoring/{first.pk}/"),
            ("status page (40 services)", "/status/"),
        ]
        for label, path in cases:
            median, p95, status, size = timed(path, cookie, args.requests)
            print(f"  {label:<32} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
                  f"HTTP {status}, {size / 1024:.0f} KB")
    finally:
        stop(web)


if __name__ == "__main__":
    main()
