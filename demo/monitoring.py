"""Demo checks with a few days of history, for `make demo` and screenshots.

Creates checks against 127.0.0.1 only (Tend itself, a closed port, localhost), then
replays N days of made-up results through the real pipeline
(dispatch.check_results_process), so rollups, state changes and incidents are what the
engine would have produced.
`manage.py seed_monitoring` runs it; checks whose names exist are skipped.
"""

import random
from datetime import timedelta

from django.utils import timezone

from itsm.models import Service, Team
from itsm.services.catalog import service_save
from monitoring import services
from monitoring.models import Check
from monitoring.probes import ProbeResult
from monitoring.services import dispatch


def _specs(port: int) -> list[dict]:
    svc = {s.name: s for s in Service.objects.all()}

    def service(name):
        if name not in svc:
            svc[name] = service_save(actor=None, service=Service(name=name))
        return svc[name]

    return [
        {"name": "Tend sign-in page", "kind": "http",
         "target": f"http://127.0.0.1:{port}/accounts/login/", "degraded_ms": 800,
         "service": service("Intranet")},
        {"name": "Mail relay SMTP", "kind": "tcp", "target": "127.0.0.1:2525",
         "service": service("Email")},
        {"name": "Directory DNS", "kind": "dns", "target": "localhost",
         "dns_expected": "127.0.0.1", "service": service("VPN")},
        {"name": "Portal certificate", "kind": "tls", "target": "localhost:8443",
         "verify_tls": False, "service": service("Intranet")},
        {"name": "Nightly backup", "kind": "heartbeat", "period": 86400, "grace": 3600,
         "service": service("Email")},
    ]


def seed(*, days: int = 3, port: int = 8000) -> list[Check]:
    """Create the demo checks that are missing and replay `days` of results for them."""
    rng = random.Random(42)  # noqa: S311 - demo data, reproducible on purpose
    team = Team.objects.order_by("pk").first()
    specs = _specs(port)
    now = timezone.now()
    made = []
    for spec in specs:
        if Check.objects.filter(name=spec["name"]).exists():
            continue
        check = services.check_create(actor=None, team=team, interval=60, timeout=5, **spec)
        # Backdated so the history below falls inside the check's life.
        # writes: allowed because no service rewrites a check's past (demo history only)
        Check.objects.filter(pk=check.pk).update(created_at=now - timedelta(days=days))
        made.append(check)
    start = now - timedelta(days=days)
    for check in made:
        # writes: allowed because no service rewrites a check's past (demo history only)
        check.state_changes.update(at=start)
    outage = (now - timedelta(days=days - 1, hours=5),
              now - timedelta(days=days - 1, hours=4, minutes=20))
    probed = [c for c in made if c.kind != "heartbeat"]
    t = start
    while probed and t < now - timedelta(minutes=2):
        # One batch per slot, as the dispatcher would: incidents open and resolve.
        batch = []
        for check in probed:
            down = outage[0] <= t < outage[1] and check.kind != "dns"
            latency = rng.lognormvariate(3.2, 0.35)
            batch.append(ProbeResult(
                check_id=check.pk, planned_at=t, ran_at=t + timedelta(milliseconds=40),
                outcome="down" if down else "up", latency_ms=None if down else latency,
                status_code=None if down else (200 if check.kind == "http" else None),
                message="Timed out after 5 s." if down else f"OK in {latency:.0f} ms."))
        dispatch.check_results_process(results=batch, now=t)
        t += timedelta(minutes=5)
    return made
