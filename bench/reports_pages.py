"""Manager report pages on the scale data: each report and the dashboard, on gunicorn.

Adds what the scale tickets lack (bench/reports_seed.py: 10,000 checks with 90 days of
state changes and weekly maintenance windows, plans with occurrences, patches) unless it
is there already, then times every report page and the dashboard for the default period
(last 30 days), 90 days and a year, the year also with each filter, a CSV export and the
API (median and p95 of sequential requests after a warm-up). Target (issue 18): each
< 200 ms at 1,000,000 tickets.

Usage: bench/reports_pages.py [--requests 9] [--workers 2] [--no-seed] [--drop-seed]
Needs DATABASE_URL=postgres://…/tend_bench (seeded with seed_demo --tickets 1000000).
"""

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: gunicorn, sessions, timing)

REPORTS = ["sla", "times", "volume", "availability", "work", "maintenance", "satisfaction",
           "workload", "knowledge", "problems", "capacity"]
TARGET_MS = 200  # issue 18: every report and the dashboard, any period up to a year, any filter


def cases() -> list[tuple[str, str]]:
    today = datetime.now(UTC).date()
    year = f"?from={today - timedelta(days=364)}&to={today}"
    found = []
    for label, query in (("", "?"), (", 90 days", "?preset=90d&"), (", 365 days", f"{year}&")):
        found += [(f"dashboard{label}", f"/reports/{query}")]
        found += [(f"{name}{label}", f"/reports/{name}/{query}") for name in REPORTS]
    for name in ("dashboard", "times", "volume", "availability"):
        path = "/reports/" if name == "dashboard" else f"/reports/{name}/"
        found += [(f"{name}, 365 days, {f}", f"{path}{year}&{f}={{{f}}}")
                  for f in ("team", "service", "kind", "priority")]
    found += [("CSV sla breaches", "/reports/sla/?format=csv&table=breaches"),
              ("CSV availability checks", "/reports/availability/?format=csv&table=checks"),
              ("API times", "/api/v1/reports/times/"),
              ("API dashboard", "/api/v1/reports/dashboard/")]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=9)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-seed", action="store_true", help="do not add checks, plans…")
    parser.add_argument("--only", default="",
                        help="time only the pages whose label starts so (e.g. dashboard)")
    parser.add_argument("--drop-seed", action="store_true",
                        help="remove what reports_seed added, then stop")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the Postgres benchmark database (bench/README.md)")
    run.django_setup()
    import reports_seed
    from django.core.management import call_command

    from itsm.models import Service, Team
    from monitoring.models import CheckStateChange
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    if args.drop_seed:
        reports_seed.drop()
        print("bench report data removed")
        return
    if not args.no_seed:
        print("seeding availability data (once) …", flush=True)
        print(f"  state changes added: {reports_seed.seed_availability():,}")
        print(f"  plan occurrences added: {reports_seed.seed_maintenance():,}", flush=True)
    print(f"tickets: {Ticket.objects.count():,}; state changes: "
          f"{CheckStateChange.objects.count():,}")
    values = {"team": Team.objects.order_by("pk").values_list("pk", flat=True).first(),
              "service": Service.objects.order_by("pk").values_list("pk", flat=True).first(),
              "kind": "incident", "priority": 2}
    cookie = {"Cookie": run.session_cookie("manny")}
    token = {"Authorization": f"Token {run.api_token('manny')}"}
    run.PORT = 8096  # not bench/run.py's port, so both can run
    proc = run.start_gunicorn(args.workers)
    try:
        print(f"Report pages ({args.requests} sequential requests each after 5 warm-ups, "
              f"gunicorn -w {args.workers}):")
        worst = {}
        for label, path in cases():
            if not label.startswith(args.only):
                continue
            path = path.format(**values)
            headers = token if path.startswith("/api/") else cookie
            median, p95, status = run.timed_get(path, headers, args.requests)
            worst[label] = median
            print(f"  {label:<34} median {median:7.1f} ms   p95 {p95:7.1f} ms   HTTP {status}",
                  flush=True)
        pages = {k: v for k, v in worst.items() if not k.startswith(("CSV", "API"))}
        dashboards = {k: v for k, v in pages.items() if k.startswith("dashboard")}
        reports = {k: v for k, v in pages.items() if k not in dashboards}
        for name, found in (("report page", reports), ("dashboard", dashboards)):
            if not found:
                continue
            label = max(found, key=found.get)
            print(f"slowest {name} (median): {found[label]:.0f} ms, {label} "
                  f"(target < {TARGET_MS})")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
