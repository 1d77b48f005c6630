"""Tend benchmarks: page latency and ticket filing throughput against gunicorn on 127.0.0.1.

Usage: bench/run.py [pages|filing|all] [--requests N] [--duration S]
Needs DATABASE_URL (Postgres with scale data) and REDIS_URL; see bench/README.md.
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", 8077
# The server and this script must share the key: sessions are signed with it.
BENCH_SECRET = "bench-" + "k" * 50
sys.path.insert(0, str(ROOT))


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["SECRET_KEY"] = BENCH_SECRET
    import django

    django.setup()


def server_env() -> dict:
    env = dict(os.environ)
    env.update(DEBUG="0", SECRET_KEY=BENCH_SECRET, ALLOWED_HOSTS="127.0.0.1",
               SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0",
               LOG_LEVEL="WARNING")
    # The benchmark's staff sessions are made without a second factor; the pages are
    # timed, not the enrolment they would otherwise be sent to.
    env.setdefault("TEND_MFA_REQUIRED_ROLES", "")
    return env


def start_gunicorn(workers: int | None, extra=()) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=server_env(), check=True)
    # The project's gunicorn.conf.py applies, as in production.
    workers_arg = ["-w", str(workers)] if workers else []
    proc = subprocess.Popen(
        [gunicorn, "itsm.config.wsgi", *workers_arg, "-b", f"{HOST}:{PORT}",
         "--log-level", "warning", *extra], cwd=ROOT, env=server_env())
    for _ in range(100):
        try:
            http.client.HTTPConnection(HOST, PORT, timeout=1).request("GET", "/accounts/login/")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start")


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


def api_token(username: str) -> str:
    from itsm.models import User
    from itsm.services.tokens import token_create

    return token_create(actor=User.objects.get(username=username), name="bench/run.py")[1]


def timed_get(path: str, headers: dict, n: int) -> tuple[float, float, int]:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    samples, status = [], 0
    for i in range(n + 5):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        status = response.status
        if i >= 5:  # warm-up
            samples.append(elapsed)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], status


def bench_pages(n: int) -> list[tuple[str, float, float, int]]:
    from tickets.models import Ticket

    cookie = {"Cookie": session_cookie("dee")}
    token = {"Authorization": f"Token {api_token('dee')}"}
    ticket = Ticket.objects.filter(comments__isnull=False).order_by("-id").first()
    total = Ticket.objects.count()
    print(f"tickets in database: {total:,}")
    cases = [
        ("desk queue, all open, default sort", "/desk/?view=open", cookie),
        ("desk queue, filter priority=P1", "/desk/?view=all&priority=1", cookie),
        ("desk queue, search 'printer'", "/desk/?view=all&q=printer", cookie),
        ("API list, default", "/api/v1/tickets/", token),
        ("API list, filter status=new", "/api/v1/tickets/?status=new", token),
        ("API list, search 'vpn'", "/api/v1/tickets/?q=vpn", token),
        (f"desk ticket page {ticket.ref}", f"/desk/tickets/{ticket.ref}/", cookie),
        (f"API ticket {ticket.ref}", f"/api/v1/tickets/{ticket.ref}/", token),
    ]
    rows = []
    for label, path, headers in cases:
        median, p95, status = timed_get(path, headers, n)
        rows.append((label, median, p95, status))
        print(f"  {label:<42} median {median:7.1f} ms   p95 {p95:7.1f} ms   HTTP {status}")
    return rows


WRK_PORTAL = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}; csrftoken={csrf}"
wrk.headers["X-CSRFToken"] = "{csrf}"
wrk.headers["Referer"] = "http://127.0.0.1:{port}/new/"
wrk.body = "kind=incident&title=Bench+printer+jam&description=Paper+jams&impact=3&urgency=3"
done = function(summary, latency, requests)
  io.write(string.format("STATUS non2xx3xx=%d\\n", summary.errors.status))
end
"""
WRK_API = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token {token}"
wrk.body = '{{"kind": "incident", "title": "Bench VPN drop", "impact": 3, "urgency": 3}}'
done = function(summary, latency, requests)
  io.write(string.format("STATUS non2xx3xx=%d\\n", summary.errors.status))
end
"""


def run_wrk(path: str, script: str, duration: int, connections: int = 16) -> tuple[float, str]:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s",
               "-s", f.name, f"http://{HOST}:{PORT}{path}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = re.search(r"STATUS non2xx3xx=(\d+)", out)[1]
    return rate, errors


def bench_filing(duration: int, connections: int = 16) -> list[tuple[str, float, str]]:
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from tickets.models import Ticket

    secret = _get_new_csrf_string()
    csrf = _mask_cipher_secret(secret)
    before = Ticket.objects.count()
    rows = []
    portal = WRK_PORTAL.format(cookie=session_cookie("alice"), csrf=csrf, port=PORT)
    # The csrftoken cookie carries the secret; the header carries a masked copy.
    portal = portal.replace(f"csrftoken={csrf}", f"csrftoken={secret}")
    rate, errors = run_wrk("/new/", portal, duration, connections)
    rows.append(("portal form POST /new/", rate, errors))
    print(f"  portal form: {rate:8.1f} tickets/s  (non-2xx/3xx: {errors})")
    rate, errors = run_wrk("/api/v1/tickets/", WRK_API.format(token=api_token("alice")),
                           duration, connections)
    rows.append(("API POST /api/v1/tickets/", rate, errors))
    print(f"  API create:  {rate:8.1f} tickets/s  (non-2xx/3xx: {errors})")
    print(f"  tickets created during the run: {Ticket.objects.count() - before:,}")
    remove_bench_tickets()
    return rows


BENCH_TITLES = ("Bench printer jam", "Bench VPN drop")


def remove_bench_tickets() -> None:
    """Leave the scale data as it was: repeated runs would otherwise pile up open tickets
    and change what the page benchmarks measure."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_ids ON COMMIT DROP AS SELECT id FROM "
                       "tickets_ticket WHERE title = ANY(%s)", [list(BENCH_TITLES)])
        for table in ("tickets_pendingnotification", "tickets_ticketevent"):
            cursor.execute(f"DELETE FROM {table} WHERE ticket_id IN (SELECT id FROM bench_ids)")  # noqa: S608
        cursor.execute("DELETE FROM tickets_ticket WHERE id IN (SELECT id FROM bench_ids)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticket")
    from django.utils import timezone

    from tickets.services.rebuild import facts_rebuild

    # Deleted past the services: today's facts and the open counts recounted.
    facts_rebuild(first=timezone.localdate(), last=timezone.localdate())
    print("  removed the tickets the run created")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", nargs="?", default="all", choices=["pages", "filing", "all"])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: gunicorn.conf.py, one per core)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--gunicorn-args", default="",
                        help='more gunicorn options, e.g. "--preload"')
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the Postgres benchmark database (bench/README.md)")
    django_setup()
    proc = start_gunicorn(args.workers, args.gunicorn_args.split())
    try:
        if args.what in ("pages", "all"):
            print(f"Page latency ({args.requests} sequential requests each, gunicorn "
                  f"-w {args.workers or 'per gunicorn.conf.py'}):")
            bench_pages(args.requests)
        if args.what in ("filing", "all"):
            print(f"Filing throughput (wrk -t2 -c{args.connections} -d{args.duration}s):")
            bench_filing(args.duration, args.connections)
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
