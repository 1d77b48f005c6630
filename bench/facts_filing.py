"""What keeping the report facts costs filing: portal tickets/s with and without them.

Usage: bench/facts_filing.py [--rounds 3] [--duration 10] [--connections 16]
Needs DATABASE_URL (Postgres, `seed_demo` data: alice files the tickets) and REDIS_URL,
as bench/run.py. Each round starts gunicorn twice, with TEND_REPORT_FACTS off and on (the
order alternates), drives wrk at the portal form, and removes the tickets it filed; the
figure is the median of the rounds. Target (issue 18): the facts cost < 10 %. At the end
today's facts are recomputed, as the removed tickets were deleted past the services.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: gunicorn, sessions, wrk)


def portal_rate(duration: int, connections: int) -> float:
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    csrf = _mask_cipher_secret(secret)
    script = run.WRK_PORTAL.format(cookie=run.session_cookie("alice"), csrf=csrf, port=run.PORT)
    script = script.replace(f"csrftoken={csrf}", f"csrftoken={secret}")
    rate, errors = run.run_wrk("/new/", script, duration, connections)
    if errors != "0":
        raise SystemExit(f"{errors} filings failed: is the server healthy?")
    return rate


def measure(facts_on: bool, args) -> float:
    os.environ["TEND_REPORT_FACTS"] = "1" if facts_on else "0"
    proc = run.start_gunicorn(args.workers, args.gunicorn_args.split())
    try:
        return portal_rate(args.duration, args.connections)
    finally:
        proc.terminate()
        proc.wait(10)
        run.remove_bench_tickets()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--gunicorn-args", default="")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the Postgres benchmark database (bench/README.md)")
    run.django_setup()
    from tickets.models import Ticket

    print(f"tickets in database: {Ticket.objects.count():,}")
    rates: dict[bool, list[float]] = {False: [], True: []}
    for n in range(args.rounds):
        for facts_on in ((False, True) if n % 2 == 0 else (True, False)):
            rate = measure(facts_on, args)
            rates[facts_on].append(rate)
            print(f"  round {n + 1}, facts {'on ' if facts_on else 'off'}: {rate:7.1f} "
                  "tickets/s")
    without, with_facts = statistics.median(rates[False]), statistics.median(rates[True])
    print(f"Portal filing, median of {args.rounds} rounds (wrk -c{args.connections} "
          f"-d{args.duration}s):")
    print(f"  without facts {without:7.1f} tickets/s")
    print(f"  with facts    {with_facts:7.1f} tickets/s")
    print(f"  cost          {100 * (without - with_facts) / without:6.1f} %  (target < 10 %)")
    from django.utils import timezone

    from tickets.services.rebuild import facts_rebuild

    today = timezone.localdate()
    facts_rebuild(first=today, last=today)
    print("  recomputed today's facts")


if __name__ == "__main__":
    main()
