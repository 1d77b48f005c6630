"""The demo's problems: the causes behind the demo's recurring incidents, worked through
problems.services by the engineers, so the problem pages, the known-error banner, the
portal's suggestions and the manager's recurrence figures have real content.

- VPN drops at home: a known error with a workaround (published as an article) and the
  VPN "drops" incidents linked;
- mail to partner domains bouncing at the mail gateway: in root-cause analysis;
- Outlook password prompts after the client update: resolved, in its quiet period;
- the file share filling up: the fix made a monthly maintenance plan (fix in progress).

Problems are looked up by title, so a second run adds nothing. Detection then runs once,
so "possible problems" shows what nobody has looked at yet.
"""

from datetime import datetime, timedelta

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from demo.people import Demo
from problems.models import CauseCategory, Problem, Stage
from problems.services.problems import (
    problem_create,
    problem_make_plan,
    problem_transition,
    problem_update,
)
from tickets.models import Kind, Ticket

PROBLEMS = (
    {
        "title": "VPN drops at home every few minutes",
        "service": "VPN", "team": "Infrastructure", "owner": "dee",
        "incidents": {"service__name": "VPN", "title__icontains": "drops"},
        "statement": "Home workers lose the VPN every 5 to 30 minutes; the office is fine.",
        "symptoms": "The client shows *Reconnecting…*; Teams calls and file copies stop.",
        "root_cause": "Home routers drop idle UDP mappings after a few minutes and the VPN "
                      "keepalive is set to 10 minutes, so the tunnel dies between keepalives.",
        "cause_category": CauseCategory.CONFIGURATION,
        "workaround": "1. Open the VPN client and choose **Settings → Connection**.\n"
                      "2. Set *Transport* to **TCP**.\n3. Reconnect.\n\n"
                      "TCP keeps the connection alive through home routers.",
        "stages": (Stage.ASSESSING, Stage.RCA, Stage.KNOWN_ERROR),
    },
    {
        "title": "Mail to partner domains bounces at the mail gateway",
        "service": "Email", "team": "Infrastructure", "owner": "dee", "asset": "mx-gw-1",
        "incidents": {"asset__name": "mx-gw-1"},
        "statement": "Mail to and from a handful of partner domains bounces or does not "
                     "arrive, a few times a month, always through mx-gw-1.",
        "symptoms": "Senders get *550 5.7.1 TLS required*; some mail arrives hours late.",
        "stages": (Stage.ASSESSING, Stage.RCA),
    },
    {
        "title": "Outlook asks for the password after the client update",
        "service": "Email", "team": "Service Desk", "owner": "dan",
        "incidents": {"service__name": "Email", "title__icontains": "password"},
        "statement": "After each Outlook update, users are prompted for their password "
                     "every few minutes.",
        "root_cause": "The update resets modern authentication to off for profiles made "
                      "before 2024, so Outlook falls back to basic authentication.",
        "cause_category": CauseCategory.SOFTWARE,
        "workaround": "Sign out of Outlook and sign in again with *Use my Windows account*.",
        "permanent_fix": "Modern authentication forced on by group policy for every "
                         "profile; the update no longer changes it.",
        "stages": (Stage.ASSESSING, Stage.RCA, Stage.KNOWN_ERROR, Stage.RESOLVED),
    },
    {
        "title": "Department share on fs-01 fills up",
        "service": "File shares", "team": "Infrastructure", "owner": "dee", "asset": "fs-01",
        "incidents": {"service__name": "File shares", "title__icontains": "full"},
        "statement": "The department share on fs-01 runs full every few weeks.",
        "root_cause": "Nobody owns old project folders; scans and exports are never "
                      "archived, and there are no quotas.",
        "cause_category": CauseCategory.CAPACITY,
        "workaround": "Move the oldest project folders to the archive share.",
        "permanent_fix": "Quotas per department, and a monthly archive run of folders not "
                         "touched for a year.",
        "stages": (Stage.ASSESSING, Stage.RCA, Stage.KNOWN_ERROR),
        "plan": True,
    },
)


def _incidents(spec: dict, now: datetime) -> list[Ticket]:
    return list(Ticket.objects.filter(kind=Kind.INCIDENT, created_at__gte=now - timedelta(days=90),
                                      **spec["incidents"]).order_by("created_at")[:8])


def _work(demo: Demo, spec: dict, now: datetime) -> Problem:
    actor = demo.users[spec["owner"]]
    incidents = _incidents(spec, now)
    started = (incidents[0].created_at if incidents else now) + timedelta(hours=2)
    problem = problem_create(actor=actor, title=spec["title"], statement=spec["statement"],
                             team=demo.teams[spec["team"]], service=demo.services[spec["service"]],
                             asset=demo.assets.get(spec.get("asset", "")),
                             incidents=incidents, now=min(started, now))
    fields = {name: spec[name] for name in ("symptoms", "root_cause", "cause_category",
                                            "workaround", "permanent_fix") if name in spec}
    if fields:
        problem = problem_update(problem=problem, actor=actor, now=now, **fields)
    for stage in spec["stages"]:
        problem = problem_transition(problem=problem, to=stage, actor=actor, now=now)
    if spec.get("plan"):
        problem_make_plan(problem=problem, actor=actor, now=now)
    return problem


def seed_problems(demo: Demo, *, now: datetime | None = None) -> int:
    """Write the demo problems that are missing; returns how many it wrote."""
    now = now or timezone.now()
    existing = set(Problem.objects.values_list("ticket__title", flat=True))
    with transaction.atomic():
        made = [_work(demo, spec, now) for spec in PROBLEMS if spec["title"] not in existing]
    call_command("detect_problems", verbosity=0)
    return len(made)
