"""Maintenance benchmark: patch compliance on 1,000,000 asset patches, and the generation
sweep with 10,000 active plans.

Builds its own data set in a separate Postgres database (created if missing; reused on
the next run unless --rebuild): 5,000 assets × 200 advisories = 1,000,000 AssetPatch
rows loaded with COPY, and 10,000 active monthly plans. Then it times, in-process
through the whole Django stack (middleware, sessions, templates):
- the compliance page, the overdue list, the assets list and the compliance API;
- the generation sweep with nothing due, with 100 plans due, and right after.

Usage: bench/maintenance_compliance.py [--db tend_bench_maintenance] [--rebuild] [--runs 30]
Needs Postgres at DATABASE_HOST (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASSETS, ADVISORIES, PLANS = 5_000, 200, 10_000
SERVICES, TEAMS = 50, 10
SEVERITY_MIX = ["critical"] * 10 + ["high"] * 30 + ["medium"] * 40 + ["low"] * 20
# Most patches are installed; what is left is spread over the open states.
STATE_MIX = (["installed"] * 850 + ["not_applicable"] * 30 + ["missing"] * 80
             + ["scheduled"] * 20 + ["failed"] * 10 + ["deferred"] * 10)


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
    # Production-like settings: no DEBUG query log, no HTTPS redirect for the test client.
    os.environ.update(DJANGO_SETTINGS_MODULE="itsm.config.settings", DEBUG="0",
                      SECRET_KEY="bench-" + "k" * 50, SECURE_SSL_REDIRECT="0",
                      SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", LOG_LEVEL="WARNING",
                      ALLOWED_HOSTS="localhost")
    # Ticket notices are queued, not sent: an in-memory broker unless Redis is given.
    os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("REDIS_URL") or "memory://")


def progress(label: str, done: int, total: int) -> None:
    print(f"\r  {label}: {done:,}/{total:,} ({100 * done // max(total, 1)} %)", end="",
          flush=True)
    if done >= total:
        print()


def build(today: date) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection

    from itsm.models import Asset, Service, Team, User
    from maintenance.models import Advisory
    from maintenance.services.patching import patch_policy_current

    rng = random.Random(5)
    print("building the data set …")
    teams = Team.objects.bulk_create(Team(name=f"Bench team {n}") for n in range(TEAMS))
    services = Service.objects.bulk_create(
        Service(name=f"Bench service {n}", owner_team=teams[n % TEAMS]) for n in range(SERVICES))
    assets = []
    for start in range(0, ASSETS, 1000):
        assets += Asset.objects.bulk_create(
            Asset(name=f"bench-host-{n:05d}", service=services[n % SERVICES])
            for n in range(start, min(start + 1000, ASSETS)))
        progress("assets", len(assets), ASSETS)
    advisories = Advisory.objects.bulk_create(
        Advisory(identifier=f"DSA-{5000 + n}-1", title=f"Security update {n}",
                 severity=rng.choice(SEVERITY_MIX),
                 released_on=today - timedelta(days=rng.randint(0, 730)))
        for n in range(ADVISORIES))
    policy = patch_policy_current()
    deadlines = {a.pk: policy.deadline(a.severity, a.released_on) for a in advisories}
    total = ASSETS * ADVISORIES
    columns = ("asset_id, advisory_id, state, deadline, due_on, deferred_until, reason, "
               "detected_at, installed_at, updated_at")
    now = datetime.now(UTC).isoformat()
    written = 0
    with connection.cursor() as cur:
        for asset in assets:
            buffer = io.StringIO()
            for advisory in advisories:
                state = rng.choice(STATE_MIX)
                deadline = deadlines[advisory.pk]
                until = "\\N"
                due = deadline.isoformat()
                if state == "deferred":
                    until_day = today + timedelta(days=rng.randint(-60, 60))
                    until = until_day.isoformat()
                    due = max(deadline, until_day).isoformat()
                elif state in ("installed", "not_applicable"):
                    due = "\\N"
                installed = now if state == "installed" else "\\N"
                buffer.write(f"{asset.pk}\t{advisory.pk}\t{state}\t{deadline.isoformat()}\t{due}"
                             f"\t{until}\t\t{now}\t{installed}\t{now}\n")
            buffer.seek(0)
            cur.copy_expert(f"COPY maintenance_assetpatch ({columns}) FROM STDIN", buffer)
            written += ADVISORIES
            if written % 50_000 == 0 or written == total:
                progress("asset patches (COPY)", written, total)
        build_plans(rng, teams)
    user, _ = User.objects.get_or_create(username="bench-dse", defaults={"is_active": True})
    user.groups.add(Group.objects.get(name="DSE"))


def build_plans(rng, teams) -> None:
    from django.utils import timezone

    from maintenance.models import MaintenancePlan
    from maintenance.recurrence import Schedule

    now = timezone.now()
    plans = []
    for n in range(PLANS):
        day, hour = rng.randint(1, 28), rng.randint(6, 20)
        rule = f"FREQ=MONTHLY;BYMONTHDAY={day}"
        plan = MaintenancePlan(title=f"Bench plan {n:05d}", rrule=rule,
                               starts_on=now.date() - timedelta(days=400),
                               at_time=dtime(hour, 0), time_zone="Europe/Berlin",
                               lead_time=timedelta(days=1), team=teams[n % TEAMS],
                               created_at=now, updated_at=now)
        # Where the sweep would have left it: its next moment is more than a day away.
        upcoming = Schedule(rule, plan.starts_on, plan.at_time, plan.time_zone).next_after(
            now + timedelta(days=1, hours=1))
        plan.next_occurrence_at = upcoming
        plan.next_generate_at = upcoming - plan.lead_time
        plans.append(plan)
    for start in range(0, PLANS, 2000):
        MaintenancePlan.objects.bulk_create(plans[start:start + 2000])
        progress("plans", min(start + 2000, PLANS), PLANS)


def timed(client, path: str, runs: int) -> tuple[float, float, int]:
    for _ in range(3):  # warm-up
        client.get(path)
    samples, status = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], status


def bench_pages(runs: int) -> None:
    from django.test import Client

    from itsm.models import Team, User
    from maintenance.models import AssetPatch

    user = User.objects.get(username="bench-dse")
    team = Team.objects.get(name="Bench team 3").pk
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    print(f"asset patches: {AssetPatch.objects.count():,}, overdue today: "
          f"{AssetPatch.objects.filter(due_on__lt=date.today()).count():,}")  # noqa: DTZ011
    print(f"Pages ({runs} sequential requests each, in-process, after a warm-up):")
    for label, path in [("compliance page", "/desk/maintenance/patches/"),
                        ("compliance API", "/api/v1/patches/compliance/"),
                        ("overdue list, page 1", "/desk/maintenance/patches/overdue/"),
                        ("overdue list, critical", "/desk/maintenance/patches/overdue/"
                                                   "?severity=critical"),
                        ("assets list with counts", "/desk/maintenance/assets/"),
                        ("one asset's patches", "/desk/maintenance/assets/1/"),
                        ("plans list", "/desk/maintenance/plans/"),
                        ("calendar, one team's 1,000 plans", f"/desk/maintenance/calendar/"
                                                             f"?team={team}"),
                        ("calendar, all 10,000 plans", "/desk/maintenance/calendar/")]:
        median, p95, status = timed(client, path, runs)
        print(f"  {label:<34} median {median:7.1f} ms   p95 {p95:7.1f} ms   HTTP {status}")


def bench_sweep() -> None:
    from django.db import connection
    from django.db.models import F

    from maintenance.models import MaintenancePlan
    from maintenance.services.generation import occurrences_generate
    from tickets.models import Ticket

    active = MaintenancePlan.objects.filter(is_active=True).count()
    print(f"Generation sweep ({active:,} active plans):")
    occurrences_generate()  # catch up whatever became due since the data was built
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        counts = occurrences_generate()
        samples.append((time.perf_counter() - start) * 1000)
        assert not counts.get("generated"), counts
    print(f"  nothing due: median {statistics.median(samples):.1f} ms, "
          f"max {max(samples):.1f} ms over 10 runs")
    with connection.cursor() as cur:
        cur.execute("EXPLAIN SELECT * FROM maintenance_maintenanceplan WHERE is_active "
                    "AND next_generate_at <= now() ORDER BY next_generate_at LIMIT 20")
        print("  query plan: " + " / ".join(row[0].strip() for row in cur.fetchall()[:2]))
    # 100 plans get a lead time long enough to reach their next occurrence: due now.
    ids = list(MaintenancePlan.objects.order_by("?").values_list("pk", flat=True)[:100])
    lead = timedelta(days=40)
    MaintenancePlan.objects.filter(pk__in=ids).update(
        lead_time=lead, next_generate_at=F("next_occurrence_at") - lead)
    before = Ticket.objects.count()
    start = time.perf_counter()
    counts = occurrences_generate()
    elapsed = time.perf_counter() - start
    print(f"  100 plans due: {counts['generated']} work items in {elapsed * 1000:.0f} ms "
          f"({elapsed * 1000 / max(counts['generated'], 1):.1f} ms each, with checklist, "
          "timeline and SLA clocks)")
    start = time.perf_counter()
    again = occurrences_generate()
    print(f"  sweep right after: {again.get('generated', 0)} more (must be 0), "
          f"{(time.perf_counter() - start) * 1000:.1f} ms; tickets added "
          f"{Ticket.objects.count() - before}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="tend_bench_maintenance")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    prepare_database(args.db, args.rebuild)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from maintenance.models import AssetPatch

    call_command("migrate", verbosity=0)
    if not AssetPatch.objects.exists():
        with transaction.atomic():  # all or nothing: a failed build is not reused
            build(date.today())  # noqa: DTZ011 - release dates are calendar days
        with connection.cursor() as cur:
            print("  VACUUM ANALYZE …", flush=True)
            for table in ("maintenance_assetpatch", "maintenance_maintenanceplan", "itsm_asset",
                          "maintenance_advisory", "itsm_service"):
                cur.execute(f"VACUUM ANALYZE {table}")
    bench_pages(args.runs)
    bench_sweep()


if __name__ == "__main__":
    main()
