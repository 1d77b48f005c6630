"""Demo checks with a week of history, for `make run` and screenshots.

Every probed check watches what `make run` itself serves on $PORT (the sign-in page, a
stylesheet, the web port) or this machine's resolver, so the demo is healthy from its
first minute on whatever port it runs; each run re-aims them at its port. The history is
replayed through the real pipeline (dispatch.check_results_process, `now=` each slot),
so results, rollups, state changes, incidents and their timelines are what the engine
would have recorded then; the weekly backup's heartbeat is pinged by the demo's backup
job (demo/backup.py), in the history and while the demo runs. It holds one outage, handled: the
directory DNS stops answering at 05:46 on a weekday, the check goes down at 05:56, Tend
opens a P2 incident timed on the VPN's 24×7 policy (demo/sla.py), the engineer on call
answers within minutes and notes the cause, the check recovers and Tend resolves it.
`manage.py seed_monitoring` runs it; a check that exists (by its name, or by the name an
earlier demo gave it) is only re-aimed.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from demo import sla
from demo.backup import BACKUP_AT, BACKUP_CHECK, BACKUP_MINUTES, backup_run
from itsm.models import Asset, Service, Team, User
from itsm.services.catalog import service_save
from monitoring import services
from monitoring.models import Check, CheckIncident, Kind
from monitoring.probes import ProbeResult
from monitoring.services import dispatch
from monitoring.services.ping import check_ping
from tickets import services as tickets
from tickets.models import Status

SLOT = timedelta(minutes=5)  # the history's resolution (the checks themselves run every 60 s)
OUTAGE_CHECK = "Directory DNS"
OUTAGE_AT = time(5, 46)  # first failed run; down at the third, 05:56
OUTAGE_SLOTS = 9  # 45 minutes


def _specs(port: int) -> list[dict]:
    """The demo checks; "former" is the name an earlier demo gave the same check, and
    "latency" (μ, σ of a log-normal, in ms) what the history's runs took: about what
    these checks measure on a laptop, so the charts do not jump when real runs begin."""
    web = f"http://127.0.0.1:{port}"
    return [
        {"name": "Tend sign-in page", "kind": "http", "target": f"{web}/accounts/login/",
         "keyword": "Sign in", "keyword_mode": "present", "degraded_ms": 800,
         "service": "IT portal", "latency": (3.9, 0.25)},
        {"name": "Tend stylesheets", "former": "Portal certificate", "kind": "http",
         "target": f"{web}/static/css/tend.css", "degraded_ms": 800,
         "service": "IT portal", "latency": (2.1, 0.3)},
        {"name": "Tend web port", "former": "Mail relay SMTP", "kind": "tcp",
         "target": f"127.0.0.1:{port}", "service": "IT portal", "latency": (-0.4, 0.3)},
        {"name": OUTAGE_CHECK, "kind": "dns", "target": "localhost",
         "dns_expected": "127.0.0.1", "service": "VPN", "asset": "radius-01",
         "latency": (-0.2, 0.3)},
        # A failed backup waits for the morning: P3, on office hours.
        {"name": BACKUP_CHECK, "former": "Nightly backup", "kind": "heartbeat",
         "period": 7 * 86400, "grace": 86400, "service": "File shares", "asset": "backup-01",
         "priority": 3},
    ]


def _service(name: str) -> Service:
    return Service.objects.filter(name=name).first() or service_save(
        actor=None, service=Service(name=name))


def _fields(spec: dict) -> dict:
    """What check_create/check_update take, from a spec."""
    fields = {k: v for k, v in spec.items() if k not in ("former", "latency", "asset")}
    service = fields["service"] = _service(spec["service"])
    fields["asset"] = Asset.objects.filter(name=spec.get("asset", ""), service=service).first()
    fields["team"] = service.owner_team or Team.objects.order_by("pk").first()
    return fields


def seed(*, days: int = 7, port: int = 8000) -> list[Check]:
    """Create the demo checks that are missing, with `days` of history; re-aim the others
    at `port`. Returns the checks it created."""
    from demo.tickets import quiet_side_effects  # a dev dependency (time-machine)

    specs = _specs(port)
    existing = {c.name: c for c in Check.objects.all()}
    missing = []
    with transaction.atomic(), quiet_side_effects():
        for spec in specs:
            check = existing.get(spec["name"])
            if check is not None:
                services.check_update(check=check, actor=None, target=spec.get("target", ""))
            elif spec.get("former") in existing:
                services.check_update(check=existing[spec["former"]], actor=None,
                                      **_fields(spec))
            else:
                missing.append(spec)
        sla.seed_policies()  # the policies the history's incidents are timed on
        made = _replay(missing, days=days) if missing else []
        backup_run()  # a run missed while the demo was not running (demo/backup.py)
        return made


def _outage(now: datetime, earliest: datetime) -> datetime:
    """05:46 on the latest weekday at least a day and a half back (or soon after `earliest`
    in a shorter history)."""
    day = timezone.localtime(now - timedelta(hours=36)).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    at = timezone.make_aware(datetime.combine(day, OUTAGE_AT))
    return at if at >= earliest else earliest


def _replay(specs: list[dict], *, days: int) -> list[Check]:
    rng = random.Random(42)  # noqa: S311 - demo data, reproducible on purpose
    now = timezone.now()
    outage = _outage(now, now - timedelta(days=days) + timedelta(hours=2))
    # Slots fall on the outage's first minute, so it starts exactly then.
    start = outage - SLOT * ((outage - (now - timedelta(days=days))) // SLOT)
    eventful = (outage - SLOT, outage + SLOT * (OUTAGE_SLOTS + 4))
    made = [services.check_create(actor=None, interval=60, timeout=5, now=start,
                                  **_fields(spec)) for spec in specs]
    latency = {c.pk: s["latency"] for c, s in zip(made, specs, strict=True) if "latency" in s}
    down = {c.pk for c in made if c.name == OUTAGE_CHECK}
    backup = next((c for c in made if c.kind == Kind.HEARTBEAT), None)
    work = _incident_work(outage) if down else []
    quiet: list[ProbeResult] = []  # results of uneventful slots, recorded together

    def record(results, at):
        dispatch.check_results_process(results=results, now=at)

    t = start
    while t < now - timedelta(minutes=2):
        failing = outage <= t < outage + SLOT * OUTAGE_SLOTS
        results = [_result(rng, check, t, latency[check.pk], failing=failing
                           and check.pk in down) for check in made if check.pk in latency]
        local = timezone.localtime(t)
        ping = backup is not None and local.weekday() == BACKUP_AT[0] and \
            (local - SLOT).time() < BACKUP_AT[1] <= local.time()
        if not ping and not eventful[0] <= t <= eventful[1]:
            quiet += results
            if len(quiet) >= 400:  # one chunk of check_results_process
                record(quiet, t)
                quiet = []
            t += SLOT
            continue
        # State may change in this slot: record it alone, at its moment.
        if quiet:
            record(quiet, t - SLOT)
            quiet = []
        while work and work[0][0] <= t:
            at, act = work.pop(0)
            act(_incident(down), at)
        if ping:
            check_ping(uuid=backup.uuid, action="start",
                       now=t - timedelta(minutes=BACKUP_MINUTES + rng.randint(-5, 5)))
            check_ping(uuid=backup.uuid, now=t)
            results.append(ProbeResult(check_id=backup.pk, planned_at=t, ran_at=t,
                                       outcome="heartbeat"))
        record(results, t)
        t += SLOT
    if quiet:
        record(quiet, t - SLOT)
    return made


def _result(rng: random.Random, check: Check, t: datetime, latency: tuple[float, float], *,
            failing: bool) -> ProbeResult:
    ran = t + timedelta(milliseconds=rng.randint(5, 60))
    ms = rng.lognormvariate(*latency)
    if failing:
        return ProbeResult(check_id=check.pk, planned_at=t, ran_at=ran, outcome="down",
                           message=f"Timed out after {check.timeout} s.")
    if check.kind == Kind.HTTP:
        return ProbeResult(check_id=check.pk, planned_at=t, ran_at=ran, outcome="up",
                           latency_ms=ms, status_code=200, message=f"HTTP 200 in {ms:.0f} ms.")
    if check.kind == Kind.TCP:
        message = f"Connected to {check.target} in {ms:.0f} ms."
    else:
        message = f"{check.target} resolves to {check.dns_expected}."
    return ProbeResult(check_id=check.pk, planned_at=t, ran_at=ran, outcome="up",
                       latency_ms=ms, message=message)


def _incident(check_ids: set[int]):
    link = (CheckIncident.objects.filter(owner_id__in=check_ids).select_related("ticket")
            .order_by("-opened_at").first())
    return link.ticket if link else None


def _incident_work(outage: datetime) -> list[tuple[datetime, object]]:
    """What the engineer on call does about the outage's incident, and when."""
    dee = User.objects.filter(username="dee").first()
    if dee is None:  # no demo people (seed_demo not run): Tend alone opens and resolves it
        return []
    answers = outage + SLOT * OUTAGE_SLOTS  # its first good run
    recovered = answers + SLOT  # the second: up again, and Tend resolves the incident

    def acknowledge(ticket, at):
        ticket = tickets.ticket_update(ticket=ticket, actor=dee, assignee=dee, now=at)
        tickets.ticket_transition(
            ticket=ticket, actor=dee, to=Status.IN_PROGRESS, now=at,
            note="On call, looking at it. VPN users can connect, but internal names do not "
                 "resolve from the VPN range.")

    def diagnose(ticket, at):
        tickets.comment_add(
            ticket=ticket, actor=dee, internal=True, now=at,
            body="The resolver on radius-01 stopped answering after last night's config "
                 "reload: a forwarder points at the old DC1 address. Restoring yesterday's "
                 "config and restarting the resolver.")

    def explain(ticket, at):
        tickets.comment_add(
            ticket=ticket, actor=dee, now=at,
            body=f"Name resolution works again since {timezone.localtime(answers):%H:%M}; "
                 "VPN users reach internal sites as usual. Cause: a wrong forwarder in the "
                 "resolver config on radius-01, loaded at night. The reload script now tests "
                 "a config before it applies it.")

    return [(outage + timedelta(minutes=18), acknowledge),
            (outage + timedelta(minutes=32), diagnose),
            (recovered + timedelta(minutes=8), explain)]
