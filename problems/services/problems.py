"""A problem's own life: creating it (by hand or from an incident), editing what it knows,
moving it through its stages, and turning its fix into a maintenance plan.

One transaction per call, the problem row locked; the problem's ticket follows through the
tickets services (a PRB number, an SLA, a timeline). Refusals are ProblemError.
"""

from collections.abc import Iterable
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, Team, User
from maintenance.models import MaintenancePlan
from maintenance.services.plans import plan_save
from problems.models import CauseCategory, Problem, Stage
from problems.services.access import require_manager
from problems.services.errors import ProblemError, as_problem_error
from problems.services.lifecycle import TRANSITIONS, stage_apply, stage_errors
from problems.services.links import CLOSED_STAGES, link_errors, links_add
from problems.services.workarounds import KNOWN_ERROR_STAGES, article_publish, notes_post
from tickets.events import publish
from tickets.models import Kind, Source, Ticket
from tickets.services.ticket import ticket_create, ticket_notice, ticket_update

TEXT_FIELDS = ("statement", "symptoms", "root_cause", "workaround", "permanent_fix")
PROBLEM_FIELDS = (*TEXT_FIELDS, "cause_category", "fix_plan", "fix_ticket", "risk_review_on",
                  "duplicate_of")
M2M_FIELDS = ("services", "assets")
TICKET_FIELDS = ("title", "team", "assignee")
UPDATABLE = (*PROBLEM_FIELDS, *M2M_FIELDS, *TICKET_FIELDS)
# What the known-error article is made of: a change to one of these updates it.
ARTICLE_SOURCES = {"title", "symptoms", "statement", "root_cause", "workaround", "services"}
PLAN_FIELDS = ("title", "instructions", "kind", "rrule", "starts_on", "at_time", "time_zone",
               "expected_duration", "lead_time", "priority", "assignee", "creates_window")
LABELS = {"root_cause": "root cause", "cause_category": "cause category",
          "permanent_fix": "permanent fix", "fix_plan": "fix plan", "fix_ticket": "fix ticket",
          "risk_review_on": "risk review date", "duplicate_of": "duplicate of"}


def _lock(problem: Problem) -> Problem:
    return (Problem.objects.select_for_update(of=("self",))
            .select_related("ticket", "article", "fix_ticket", "duplicate_of")
            .get(pk=problem.pk))


@transaction.atomic
def problem_create(*, actor: User, title: str, statement: str = "", team: Team | None = None,
                   service: Service | None = None, asset: Asset | None = None,
                   incidents: Iterable[Ticket] = (), source: str = Source.PORTAL,
                   created_from: Ticket | None = None,
                   now: datetime | None = None) -> Problem:
    """Open a problem (its ticket is a PRB work item filed by `actor`), linking `incidents`."""
    require_manager(actor)
    now = now or timezone.now()
    incidents = list(incidents)
    with as_problem_error():
        ticket = ticket_create(requester=actor, actor=actor, title=title,
                               description=statement or "", kind=Kind.PROBLEM, source=source,
                               service=service, asset=asset, team=team, now=now)
    problem = Problem.objects.create(ticket=ticket, statement=(statement or "").strip(),
                                     created_from=created_from, created_at=now, updated_at=now)
    errors = link_errors(problem, incidents)
    if errors:
        raise ProblemError(errors)
    if service is not None:
        problem.services.set([service])
    if asset is not None:
        problem.assets.set([asset])
    links_add(problem, incidents, actor=actor, now=now)
    return problem


def problem_create_from_incident(*, incident: Ticket, actor: User,
                                 now: datetime | None = None) -> Problem:
    """One click on the desk: the incident's title, service, asset and team, linked to it."""
    if incident.kind != Kind.INCIDENT:
        raise ProblemError({"incident": [f"{incident.ref} is not an incident."]})
    return problem_create(actor=actor, title=incident.title, statement=incident.description,
                          team=incident.team, service=incident.service, asset=incident.asset,
                          incidents=[incident], created_from=incident, now=now)


def _field_errors(problem: Problem, fields: dict) -> dict[str, list[str]]:
    errors = {name: ["This field cannot be changed here."] for name in fields
              if name not in UPDATABLE}
    for name in TEXT_FIELDS:
        if name in fields and not isinstance(fields[name], str):
            errors[name] = ["Send text."]
    category = fields.get("cause_category")
    if category not in (None, "", *CauseCategory.values):
        errors["cause_category"] = [f"Unknown cause category “{category}”."]
    fix_ticket = fields.get("fix_ticket")
    if fix_ticket is not None and fix_ticket.pk == problem.ticket_id:
        errors["fix_ticket"] = ["The problem cannot be its own fix; link a change or task."]
    if fields.get("duplicate_of") is not None and fields["duplicate_of"].pk == problem.pk:
        errors["duplicate_of"] = ["A problem cannot duplicate itself."]
    if problem.stage in CLOSED_STAGES and fields:
        errors["stage"] = [f"{problem.ticket.ref} is {problem.get_stage_display().lower()} "
                           "and can no longer change."]
    return errors


def _apply(problem: Problem, fields: dict, *, actor: User, now: datetime) -> set[str]:
    """Set `fields` on the locked problem and its ticket, save, and post what follows from
    them (workaround notes); the names that changed."""
    errors = _field_errors(problem, fields)
    if errors:
        raise ProblemError(errors)
    changed: set[str] = set()
    for name in PROBLEM_FIELDS:
        if name not in fields:
            continue
        value = fields[name].strip() if name in TEXT_FIELDS else fields[name]
        if name == "cause_category":
            value = value or ""
        if getattr(problem, name) != value:
            setattr(problem, name, value)
            changed.add(name)
    extra = []
    if "workaround" in changed:
        problem.workaround_version += 1
        extra.append("workaround_version")
    if "root_cause" in changed and problem.root_cause and problem.root_cause_at is None:
        problem.root_cause_at = now
        extra.append("root_cause_at")
    if "fix_plan" in changed:
        problem.fix_plan_linked_at = now if problem.fix_plan_id else None
        extra.append("fix_plan_linked_at")
    for name in M2M_FIELDS:
        if name in fields:
            new = {obj.pk for obj in fields[name]}
            if set(getattr(problem, name).values_list("pk", flat=True)) != new:
                getattr(problem, name).set(list(fields[name]))
                changed.add(name)
    ticket_changes = {name: fields[name] for name in TICKET_FIELDS if name in fields}
    if ticket_changes:
        before = problem.ticket.version
        with as_problem_error():
            updated = ticket_update(ticket=problem.ticket, actor=actor, now=now,
                                    **ticket_changes)
        if updated.version != before:
            changed |= set(ticket_changes)
            problem.ticket = updated
    if not changed:
        return changed
    problem.updated_at = now
    problem.save(update_fields=[*(changed & set(PROBLEM_FIELDS)), *extra, "updated_at"])
    own = sorted(changed - {"workaround", *TICKET_FIELDS})
    if own:
        ticket_notice(ticket=problem.ticket, field="problem", now=now,
                      message="Changed " + ", ".join(LABELS.get(n, n) for n in own))
    if "workaround" in changed:
        ticket_notice(ticket=problem.ticket, field="workaround",
                      new=f"v{problem.workaround_version}", now=now,
                      message=f"Workaround v{problem.workaround_version}")
        notes_post(problem, actor=actor, now=now)
    return changed


def _republish(problem: Problem, changed: set[str], *, actor: User, now: datetime) -> None:
    if problem.stage in KNOWN_ERROR_STAGES and changed & ARTICLE_SOURCES:
        article_publish(problem, actor=actor, now=now)
        problem.save(update_fields=["article"])


@transaction.atomic
def problem_update(*, problem: Problem, actor: User, now: datetime | None = None,
                   **fields) -> Problem:
    """Change what the problem knows. A changed workaround is a new version: noted once on
    every open linked incident, and on the known-error article if there is one."""
    require_manager(actor)
    now = now or timezone.now()
    locked = _lock(problem)
    changed = _apply(locked, fields, actor=actor, now=now)
    _republish(locked, changed, actor=actor, now=now)
    return locked


@transaction.atomic
def problem_transition(*, problem: Problem, to: str, actor: User,
                       now: datetime | None = None, **fields) -> Problem:
    """Move to stage `to`, with the fields the move needs (a workaround for a known error,
    a root cause for resolving, `duplicate_of`, `risk_review_on`…), all or nothing."""
    require_manager(actor)
    now = now or timezone.now()
    locked = _lock(problem)
    changed = _apply(locked, fields, actor=actor, now=now)
    errors = stage_errors(locked, to, now=now)
    if errors:
        raise ProblemError(errors)
    stage_fields = stage_apply(locked, to, actor=actor, now=now)
    locked.updated_at = now
    locked.save(update_fields=[*stage_fields, "updated_at"])
    if to == Stage.KNOWN_ERROR:
        changed.add("workaround")  # entering the stage publishes, whatever changed
    _republish(locked, changed, actor=actor, now=now)
    if to == Stage.KNOWN_ERROR:
        publish("problem.known_error", locked.ticket, now=now, problem={
            "id": locked.pk, "workaround": locked.workaround, "article": locked.article_id})
    return locked


@transaction.atomic
def problem_make_plan(*, problem: Problem, actor: User, now: datetime | None = None,
                      **plan_fields) -> MaintenancePlan:
    """Make the permanent fix a maintenance plan (the problem's title, assets, services and
    team; monthly at 09:00 from today unless told), link it as the fix, and move the
    problem to fix in progress when it may go there."""
    require_manager(actor)
    now = now or timezone.now()
    locked = _lock(problem)
    unknown = {name: ["This field cannot be set here."] for name in plan_fields
               if name not in PLAN_FIELDS}
    if unknown:
        raise ProblemError(unknown)
    if locked.stage in CLOSED_STAGES:
        raise ProblemError({"stage": [f"{locked.ticket.ref} is "
                                      f"{locked.get_stage_display().lower()}."]})
    if not locked.permanent_fix.strip() and not plan_fields.get("instructions"):
        raise ProblemError({"permanent_fix": ["Write the permanent fix first: it becomes "
                                              "the plan's instructions."]})
    values = {"title": locked.ticket.title, "instructions": locked.permanent_fix,
              "team": locked.ticket.team, "rrule": "FREQ=MONTHLY",
              "starts_on": timezone.localdate(now), "at_time": time(9, 0), **plan_fields}
    plan = MaintenancePlan(**values)
    with as_problem_error():
        plan_save(plan=plan, actor=actor, assets=list(locked.assets.all()),
                  services=list(locked.services.all()), now=now)
    locked.fix_plan, locked.fix_plan_linked_at, locked.updated_at = plan, now, now
    locked.save(update_fields=["fix_plan", "fix_plan_linked_at", "updated_at"])
    ticket_notice(ticket=locked.ticket, field="fix_plan", new=plan.title[:200], now=now,
                  message=f"Fix planned: maintenance plan “{plan.title}”")
    if (Stage.FIX_IN_PROGRESS in TRANSITIONS[locked.stage]
            and not stage_errors(locked, Stage.FIX_IN_PROGRESS, now=now)):
        stage_fields = stage_apply(locked, Stage.FIX_IN_PROGRESS, actor=actor, now=now,
                                   reason="The fix is planned.")
        locked.save(update_fields=stage_fields)
    return plan
