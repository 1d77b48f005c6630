"""Data the report benchmark needs besides the scale tickets: checks with 90 days of state
changes and maintenance windows (availability), plans with occurrences, and patches.

Everything it adds is labelled ("bench-avail-…", "Bench plan …", "BENCH-…") so `drop()`
removes exactly that; seeding twice adds nothing. Called by bench/reports_pages.py.
"""

import random
from datetime import datetime, time, timedelta

CHECK_PREFIX = "bench-avail-"
PLAN_PREFIX = "Bench plan "
WINDOW_PREFIX = "Bench window "
ADVISORY_PREFIX = "BENCH-"
DAYS = 90


def _outages(rng: random.Random, start, end, windows):
    """(down from, down until) moments for one check: mostly short, a few long, some
    deliberately inside (or spilling out of) a maintenance window."""
    found, t = [], start + timedelta(hours=rng.uniform(0, 72))
    while t < end:
        roll = rng.random()
        minutes = (rng.uniform(2, 30) if roll < 0.8 else rng.uniform(30, 240) if roll < 0.98
                   else rng.uniform(240, 1440))
        found.append((t, t + timedelta(minutes=minutes)))
        t += timedelta(hours=rng.expovariate(1 / (24 * 10)) + minutes / 60 + 1)
    for window_start, _window_end in windows:
        if rng.random() < 0.15:  # work in the window took the service down for a while
            down = window_start + timedelta(minutes=rng.uniform(5, 30))
            found.append((down, down + timedelta(minutes=rng.uniform(20, 160))))
    found.sort()
    merged = []
    for a, b in found:
        if merged and a <= merged[-1][1] + timedelta(minutes=5):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def seed_availability(checks: int = 10_000, seed: int = 7) -> int:
    """10,000 checks on the existing services, each with 90 days of state changes."""
    from django.db import connection, transaction
    from django.utils import timezone

    from itsm.models import Service
    from maintenance.models import MaintenanceWindow
    from monitoring.models import Check, CheckStateChange
    from monitoring.services.spans import spans_rebuild

    if Check.objects.filter(name__startswith=CHECK_PREFIX).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    services = list(Service.objects.select_related("owner_team").order_by("pk"))
    with transaction.atomic():
        windows: dict[int, list] = {}
        for service in services:
            spans = []
            first = (start - timedelta(days=start.weekday() + 1)).replace(hour=2, minute=0,
                                                                           second=0)
            moment = first
            while moment < now:  # Sunday 02:00–04:00 every week
                if moment >= start:
                    window = MaintenanceWindow.objects.create(
                        reason=f"{WINDOW_PREFIX}{service.name} {moment:%Y-%m-%d}",
                        starts_at=moment, ends_at=moment + timedelta(hours=2))
                    window.services.add(service)
                    spans.append((moment, moment + timedelta(hours=2)))
                moment += timedelta(days=7)
            windows[service.pk] = spans
        made = Check.objects.bulk_create(
            (Check(name=f"{CHECK_PREFIX}{i:05d}", kind="http", target=f"http://127.0.0.1/{i}",
                   service=services[i % len(services)],
                   team=services[i % len(services)].owner_team, state="up",
                   state_since=start, watch_since=start, created_at=start,
                   next_run_at=now + timedelta(days=3650), paused=True)
             for i in range(checks)), batch_size=2000)
        rows, down_now = [], []
        for check in made:
            rows.append(CheckStateChange(owner_id=check.pk, from_state="", to_state="up",
                                         at=start, reason="bench"))
            for down_from, down_until in _outages(rng, start, now, windows[check.service_id]):
                rows.append(CheckStateChange(owner_id=check.pk, from_state="up",
                                             to_state="pending", at=down_from -
                                             timedelta(minutes=3), reason="bench"))
                rows.append(CheckStateChange(owner_id=check.pk, from_state="pending",
                                             to_state="down", at=down_from, reason="bench"))
                if down_until < now:
                    rows.append(CheckStateChange(owner_id=check.pk, from_state="down",
                                                 to_state="up", at=down_until, reason="bench"))
                else:
                    down_now.append(check.pk)
            if len(rows) > 20_000:
                CheckStateChange.objects.bulk_create(rows, batch_size=10_000)
                rows = []
        CheckStateChange.objects.bulk_create(rows, batch_size=10_000)
        Check.objects.filter(pk__in=down_now).update(state="down")
        # Written in bulk, not through monitoring's services: their spans from the changes.
        spans_rebuild(pk for pk in (c.pk for c in made))
    # Statistics and the visibility map (the spans' index-only reads), as autovacuum would
    # leave them in time.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) monitoring_check, monitoring_checkstatechange, "
                       "monitoring_checkspan, monitoring_servicespan, "
                       "maintenance_maintenancewindow")
    return CheckStateChange.objects.filter(owner__name__startswith=CHECK_PREFIX).count()


def seed_maintenance(seed: int = 7) -> int:
    """A plan per service, weekly for six months, its occurrences linked to scale
    maintenance tickets; and 200 advisories across the assets."""
    from django.db import transaction
    from django.utils import timezone

    from itsm.models import Asset, Service
    from maintenance.models import Advisory, AssetPatch, MaintenancePlan, Occurrence
    from tickets.models import Kind, Ticket

    if MaintenancePlan.objects.filter(title__startswith=PLAN_PREFIX).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    tickets = list(Ticket.objects.filter(kind=Kind.MAINTENANCE, created_at__gte=now - timedelta(
        days=200), maintenance_occurrence__isnull=True).order_by("created_at")
        .values_list("pk", "created_at"))
    made = 0
    with transaction.atomic():
        for n, service in enumerate(Service.objects.order_by("pk")):
            plan = MaintenancePlan.objects.create(
                title=f"{PLAN_PREFIX}{service.name}", rrule="FREQ=WEEKLY",
                starts_on=(now - timedelta(days=182 - 10 * n)).date(), at_time=time(9),
                team=service.owner_team, is_active=False)
            plan.services.add(service)
            moment = timezone.make_aware(datetime.combine(plan.starts_on, plan.at_time))
            while moment < now:
                ticket = None
                if tickets and rng.random() < 0.9:
                    ticket = tickets.pop(rng.randrange(len(tickets)))[0]
                status = "skipped" if rng.random() < 0.05 else "generated"
                Occurrence.objects.create(plan=plan, scheduled_for=moment, due_at=moment,
                                          status=status,
                                          ticket_id=ticket if status == "generated" else None)
                made += 1
                moment += timedelta(days=7)
        assets = list(Asset.objects.filter(is_active=True))
        severities = ["critical", "high", "medium", "low"]
        for i in range(200):
            released = (now - timedelta(days=rng.uniform(0, 365))).date()
            severity = severities[i % 4]
            advisory = Advisory.objects.create(identifier=f"{ADVISORY_PREFIX}{i:04d}",
                                               title=f"Bench advisory {i}", severity=severity,
                                               released_on=released)
            deadline = released + timedelta(days={"critical": 7, "high": 30, "medium": 90,
                                                  "low": 180}[severity])
            AssetPatch.objects.bulk_create(
                AssetPatch(asset=asset, advisory=advisory, deadline=deadline,
                           state="missing" if rng.random() < 0.3 else "installed",
                           due_on=deadline) for asset in assets)
        AssetPatch.objects.filter(advisory__identifier__startswith=ADVISORY_PREFIX,
                                  state="installed").update(due_on=None)
    return made


def drop() -> None:
    from maintenance.models import Advisory, MaintenancePlan, MaintenanceWindow
    from monitoring.models import Check

    Check.objects.filter(name__startswith=CHECK_PREFIX).delete()
    MaintenanceWindow.objects.filter(reason__startswith=WINDOW_PREFIX).delete()
    MaintenancePlan.objects.filter(title__startswith=PLAN_PREFIX).delete()
    Advisory.objects.filter(identifier__startswith=ADVISORY_PREFIX).delete()
