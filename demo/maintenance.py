"""Demo maintenance data: plans with three months of worked history, windows, advisories,
patches and inventories, made through the services with the clock moved (time-machine).

Needs the demo people, teams, services and assets from `manage.py seed_demo`; a second
run does nothing. `manage.py seed_maintenance` runs it.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, Team, User
from maintenance import services
from maintenance.models import MaintenancePlan, MaintenanceWindow
from maintenance.services import generation, patching
from maintenance.services.inventory import PendingAdvisory, inventory_apply
from tickets import services as tickets
from tickets.models import ChecklistItem, Kind, Status, Ticket

HISTORY_DAYS = 91

PLANS = [
    {"title": "Backup restore test", "kind": "backup_test", "rrule": "FREQ=WEEKLY;BYDAY=FR",
     "at": time(10, 0), "team": "Infrastructure", "assignee": "dee", "assets": ["backup-01"],
     "services": ["File shares"], "duration": 60, "lead": 3,
     "instructions": "Restore one **random** file from last night's backup to a scratch "
                     "folder and compare its checksum with the original.",
     "steps": [("Check last night's backup job log", False, False),
               ("Restore one file to \\\\fs-01\\scratch", False, True),
               ("Note how long the restore took", True, False)]},
    {"title": "Patch Tuesday: ERP servers", "kind": "patching",
     "rrule": "FREQ=MONTHLY;BYDAY=2TU", "at": time(22, 0), "team": "Applications",
     "assignee": "dan", "assets": ["erp-app-1", "erp-app-2"], "services": ["ERP"],
     "duration": 120, "lead": 7, "window": True,
     "instructions": "Install the month's updates, one node at a time, behind the load "
                     "balancer.",
     "steps": [("Snapshot both VMs", False, False), ("Drain and patch erp-app-1", False, True),
               ("Drain and patch erp-app-2", False, True),
               ("Smoke test: post a test invoice", True, True)]},
    {"title": "Mail server health audit", "kind": "health_audit",
     "rrule": "FREQ=WEEKLY;BYDAY=MO", "at": time(8, 30), "team": "Infrastructure",
     "assignee": "dee", "assets": ["mail-01", "mail-02"], "services": ["Email"],
     "duration": 30, "lead": 2,
     "steps": [("Queue length under 100", False, True), ("Disk use under 80 %", False, True),
               ("Certificates valid for 30+ days", False, True)]},
    {"title": "Firewall rule review", "kind": "health_audit",
     "rrule": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "at": time(14, 0),
     "team": "Infrastructure", "assignee": None, "assets": ["vpn-gw-1", "vpn-gw-2"],
     "services": ["VPN"], "duration": 180, "lead": 14,
     "steps": [("Export the rule set", False, False), ("Remove expired rules", True, False)]},
    {"title": "UPS battery check, DC2", "kind": "preventive", "rrule": "FREQ=MONTHLY;BYDAY=-1FR",
     "at": time(9, 0), "team": "Infrastructure", "assignee": "ada", "assets": [],
     "services": [], "duration": 45, "lead": 5,
     "steps": [("Run the battery self-test", False, True), ("Log the runtime estimate", True,
                                                             False)]},
    {"title": "Website capacity review", "kind": "capacity_review",
     "rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "at": time(11, 0), "team": "Applications",
     "assignee": "dan", "assets": ["web-01", "web-02"], "services": ["Website"],
     "duration": 60, "lead": 7, "active": False, "steps": []},
]

ADVISORIES = [
    ("DSA-5678-1", "openssl security update", "critical", 9.8, 40, "openssl", "3.0.15-1"),
    ("DSA-5690-1", "nginx security update", "high", 7.5, 75, "nginx", "1.22.1-9+deb12u2"),
    ("USN-7015-1", "Linux kernel vulnerabilities", "high", 7.8, 20, "linux-image", "6.8.0-45"),
    ("USN-6990-1", "curl vulnerability", "medium", 5.3, 120, "curl", "8.5.0-2ubuntu10.4"),
    ("KB5041578", "Cumulative update for Windows Server 2022", "critical", 9.1, 12,
     "windows", "20348.2655"),
    ("KB5040437", "Cumulative update for Windows Server 2022", "high", 8.1, 45, "windows",
     "20348.2582"),
    ("DSA-5700-1", "postgresql-15 security update", "medium", 6.5, 100, "postgresql-15",
     "15.8-0+deb12u1"),
    ("USN-6950-1", "OpenSSH vulnerability", "low", 3.7, 200, "openssh-server",
     "1:9.6p1-3ubuntu13.5"),
]
SOFTWARE = {"linux": [("openssl", "3.0.13-1"), ("nginx", "1.22.1-9"), ("curl", "8.5.0-2"),
                      ("openssh-server", "1:9.6p1-3"), ("linux-image", "6.8.0-40")],
            "windows": [("windows", "20348.2527"), ("dotnet-runtime", "8.0.7")]}


def seed(*, seed: int = 7, days: int = HISTORY_DAYS) -> dict:
    """Returns what was created; nothing when maintenance demo data already exists."""
    import time_machine  # a dev dependency, like the tickets demo

    if MaintenancePlan.objects.exists():
        return {}
    users = {u.username: u for u in User.objects.filter(username__in=["dee", "dan", "ada"])}
    if "dee" not in users:
        raise LookupError("Run `manage.py seed_demo` first: the demo people are missing.")
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    now = timezone.now()
    start = now - timedelta(days=days)
    counts = {}
    with transaction.atomic(), tickets.notifications_muted(), \
            time_machine.travel(start, tick=False) as clock:
        plans = [_plan(spec, users, start) for spec in PLANS]
        counts["plans"] = len(plans)
        moment, planned = start, {}
        patches, reported = _patch_plan(rng, start, now), {}
        while moment < now:
            clock.move_to(moment)
            generation.occurrences_generate()
            _work_due(clock, moment, planned, users, rng, now)
            _patch_day(moment, patches, reported, users)
            moment += timedelta(hours=1)
        clock.move_to(now)
        generation.occurrences_generate()
        counts["work items"] = Ticket.objects.filter(kind=Kind.MAINTENANCE).count()
        _skip_and_move(plans[2], users["dee"], now)
        counts["windows"] = _windows(users["dee"], now)
        counts["patches"] = _defer_one(users["ada"], now)
        counts["patch follow-ups"] = Ticket.objects.filter(kind=Kind.PATCH).count()
    return counts


def _plan(spec: dict, users: dict, start) -> MaintenancePlan:
    plan = MaintenancePlan(
        title=spec["title"], kind=spec["kind"], rrule=spec["rrule"], at_time=spec["at"],
        starts_on=start.date(), time_zone="Europe/Berlin",
        team=Team.objects.get(name=spec["team"]), assignee=users.get(spec["assignee"]),
        expected_duration=timedelta(minutes=spec["duration"]),
        lead_time=timedelta(days=spec["lead"]), instructions=spec.get("instructions", ""),
        creates_window=spec.get("window", False), is_active=spec.get("active", True),
        priority=3)
    steps = [{"text": t, "requires_note": note, "requires_result": result}
             for t, note, result in spec["steps"]]
    return services.plan_save(plan=plan, actor=users["dee"], steps=steps,
                              assets=list(Asset.objects.filter(name__in=spec["assets"])),
                              services=list(Service.objects.filter(name__in=spec["services"])))


def _when(ticket: Ticket, rng: random.Random, now):
    """When a work item gets done: mostly within its expected time, some late, and a few
    of the last weeks' not yet (they show as overdue; older ones were caught up)."""
    duration = ticket.maintenance_occurrence.plan.expected_duration
    roll = rng.random()
    if roll < 0.06 and ticket.due_at > now - timedelta(days=21):
        return None
    if roll < 0.2:
        return ticket.due_at + duration + timedelta(hours=rng.randint(1, 30))
    return ticket.due_at + duration * rng.uniform(0.3, 0.95)


def _work_due(clock, moment, planned: dict, users: dict, rng: random.Random, now) -> None:
    """Work each item at its chosen moment (the clock steps back within the hour for it)."""
    for ticket in (Ticket.objects.filter(kind=Kind.MAINTENANCE, status=Status.NEW)
                   .exclude(pk__in=list(planned)).select_related(
                       "maintenance_occurrence__plan")):
        planned[ticket.pk] = _when(ticket, rng, now)
    due = sorted((at, pk) for pk, at in planned.items() if at is not None and at <= moment)
    for at, pk in due:
        planned[pk] = None
        ticket = Ticket.objects.select_related("assignee").get(pk=pk)
        if ticket.status != Status.NEW:
            continue
        clock.move_to(max(at, ticket.created_at))
        worker = ticket.assignee or users["dee"]
        tickets.ticket_transition(ticket=ticket, actor=worker, to=Status.IN_PROGRESS)
        for item in ticket.checklist.all():
            result = ""
            if item.requires_result:
                result = ChecklistItem.Result.FAIL if rng.random() < 0.05 else "pass"
            tickets.checklist_tick(item=item, actor=worker, result=result,
                                   note="Done as described." if item.requires_note else "")
        tickets.ticket_transition(ticket=ticket, actor=worker, to=Status.RESOLVED,
                                  note="Checklist done.")
    clock.move_to(moment)


def _skip_and_move(plan: MaintenancePlan, dee, now) -> None:
    upcoming = plan.schedule().preview(now + timedelta(days=7), 3)
    services.occurrence_skip(plan=plan, scheduled_for=upcoming[0], actor=dee,
                             reason="Mail migration weekend: the servers are frozen.")
    services.occurrence_move(plan=plan, scheduled_for=upcoming[1], actor=dee,
                             to=upcoming[1] + timedelta(days=1, hours=2),
                             reason="Monday is a public holiday.")


def _windows(dee, now) -> int:
    specs = [("Website hosting maintenance", ["Website"], now - timedelta(minutes=30),
              timedelta(hours=2)),
             ("Mail server upgrade", ["Email"], (now + timedelta(days=2)).replace(
                 hour=20, minute=0, second=0, microsecond=0), timedelta(hours=3)),
             ("VPN gateway firmware", ["VPN"], now - timedelta(days=9), timedelta(hours=1))]
    for reason, names, starts, length in specs:
        window = MaintenanceWindow(reason=reason, starts_at=starts, ends_at=starts + length,
                                   details="Expect short interruptions while we work.")
        services.window_save(window=window, actor=dee,
                             services=list(Service.objects.filter(name__in=names)), assets=[])
    return len(specs)


def _patch_plan(rng: random.Random, start, now) -> dict:
    """asset -> (family, [(advisory row, release date, when it gets installed)]): most
    patches go in before their deadline, some late; those due after today are still
    missing. Ones installed before the history began are left out (never reported)."""
    policy = patching.patch_policy_current()
    today = timezone.localdate(now)
    plan = {}
    for asset in Asset.objects.filter(kind__in=["server", "vm", "database", "application"]):
        family = "windows" if asset.name.startswith(("erp", "print")) else "linux"
        rows = []
        for row in ADVISORIES:
            identifier, _title, severity, _cvss, age = row[:5]
            if (family == "windows") != identifier.startswith("KB") or rng.random() < 0.5:
                continue
            released = today - timedelta(days=age)
            days = policy.days_for(severity)
            if rng.random() < 0.75:
                installed = released + timedelta(days=days * rng.uniform(0.2, 0.9))
            else:
                installed = released + timedelta(days=days + rng.randint(2, 12))
            at = timezone.make_aware(datetime.combine(installed, time(21, 0)))  # evening window
            if at > start:
                rows.append((row, released, at))
        plan[asset] = (family, rows)
    return plan


def _patch_day(moment, plan: dict, reported: dict, users: dict) -> None:
    """A day of patch work at its hours: the agents report at 06:00, the follow-up sweep
    runs at 07:00, and at 10:00 the team picks up new follow-ups and resolves the ones
    whose patches the agents now report installed."""
    hour = timezone.localtime(moment).hour
    if hour == 6:
        today = timezone.localdate(moment)
        for asset, (family, rows) in plan.items():
            pending = [PendingAdvisory(identifier=identifier, title=title, severity=severity,
                                       cvss=cvss, package=package, fixed_version=fixed,
                                       released_on=released)
                       for (identifier, title, severity, cvss, _age, package, fixed), released,
                       at in rows if released <= today and at > moment]
            key = sorted(p.identifier for p in pending)
            if reported.get(asset.pk) == key:
                continue  # nothing new: the report would change nothing
            first = asset.pk not in reported
            reported[asset.pk] = key
            inventory_apply(asset=asset, actor=users["ada"], pending=pending, source="agent",
                            software=[{"name": n, "version": v} for n, v in SOFTWARE[family]]
                            if first else None)
    elif hour == 7:
        patching.patch_followups_raise(now=moment)
    elif hour == 10 and timezone.localtime(moment).weekday() < 5:
        for ticket in Ticket.objects.filter(kind=Kind.PATCH, status__in=[
                Status.NEW, Status.IN_PROGRESS]).select_related("team"):
            left = patching.AssetPatch.objects.filter(follow_up=ticket).exclude(
                state="installed").count()
            worker = users["dan"] if ticket.team and ticket.team.name == "Applications" \
                else users["dee"]
            if not left:
                tickets.ticket_transition(ticket=ticket, actor=worker, to=Status.RESOLVED,
                                          note="Installed; the agent reports it done.")
            elif ticket.status == Status.NEW:
                tickets.ticket_transition(ticket=ticket, actor=worker, to=Status.IN_PROGRESS,
                                          note="Scheduled for this week's patch window.")


def _defer_one(ada, now) -> int:
    """One missing patch deferred with a reason, as teams do; returns how many patches."""
    today = now.date()
    patch = patching.AssetPatch.objects.filter(state="missing").order_by("pk").first()
    if patch:
        patching.patch_set_state(patch=patch, state="deferred", actor=ada,
                                 deferred_until=today + timedelta(days=21),
                                 reason="Vendor certifies this update next month.")
    return patching.AssetPatch.objects.count()
