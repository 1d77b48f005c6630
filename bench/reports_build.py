"""Report builds in process (no HTTP): the dashboard's headlines and each report's build,
median of 5 after a warm-up, for the last 30, 90 and 365 days, with no filter and with each
filter (team, service, kind, priority, team and priority together).
Issue 18's target: every ticket report and the dashboard < 200 ms for any period up to a
year at 1,000,000 tickets. Non-ticket reports (availability, problems…) are timed too.

Usage: DATABASE_URL=postgres://…/tend_bench bench/reports_build.py [--seed] [--days 30,90,365]
(--seed: add bench/reports_seed.py's checks, windows and plans first, as reports_pages does.)
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: Django setup)


def timed(fn, *args, n: int = 5) -> float:
    fn(*args)
    found = []
    for _ in range(n):
        start = time.perf_counter()
        fn(*args)
        found.append((time.perf_counter() - start) * 1000)
    return statistics.median(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="add the availability data once")
    parser.add_argument("--days", default="30,90,365", help="periods, comma-separated")
    parser.add_argument("--filters", default="all,team,service,kind,priority,team+priority",
                        help="filters, comma-separated (default: each)")
    args = parser.parse_args()
    run.django_setup()
    from django.utils import timezone

    if args.seed:
        import reports_seed

        print(f"state changes added: {reports_seed.seed_availability():,}; plan occurrences "
              f"added: {reports_seed.seed_maintenance():,}", flush=True)

    from itsm.models import Service, Team
    from reports import dashboard, params
    from reports.registry import REPORTS

    today = timezone.localdate()
    team = Team.objects.order_by("pk").first()
    service = Service.objects.order_by("pk").first()
    choices = {"all": params.Filters(), "team": params.Filters(team=team),
               "service": params.Filters(service=service),
               "kind": params.Filters(kind="incident"), "priority": params.Filters(priority=2),
               "team+priority": params.Filters(team=team, priority=2)}
    slowest: dict = {}
    for days in (int(d) for d in args.days.split(",")):
        period = params.Period(today - timedelta(days=days - 1), today)
        for label in args.filters.split(","):
            filters = choices[label]
            ms = timed(dashboard.headlines, period, filters)
            slowest["dashboard"] = max(slowest.get("dashboard", (0,)), (ms, days, label))
            print(f"{days} days, {label}: dashboard {ms:.0f} ms", flush=True)
            for key, info in REPORTS.items():
                ms = timed(info.module.build, period, filters)
                slowest[key] = max(slowest.get(key, (0,)), (ms, days, label))
                print(f"  {key:<14} {ms:7.1f} ms", flush=True)
    print("slowest median of each (days, filter):")
    for key, (ms, days, label) in slowest.items():
        print(f"  {key:<14} {ms:7.1f} ms  ({days} days, {label})")


if __name__ == "__main__":
    main()
