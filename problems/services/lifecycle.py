"""The problem lifecycle in one place: which stage may follow which, what each one needs,
and how the problem's ticket follows its stage.

Services call `stage_errors` before a move and `stage_apply` to make it; pages ask
`allowed_stages` which buttons to show. A refused move is a ProblemError saying what is
missing.
"""

from collections import deque
from datetime import datetime

from django.db.models import Q

from itsm.models import User
from problems.models import Problem, Stage
from problems.services.settings import quiet_period
from tickets.models import Status
from tickets.rules import TRANSITIONS as TICKET_TRANSITIONS
from tickets.services.ticket import ticket_notice, ticket_transition

S = Stage
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSESSING, S.RCA, S.KNOWN_ERROR, S.DUPLICATE, S.RISK_ACCEPTED}),
    S.ASSESSING: frozenset({S.RCA, S.KNOWN_ERROR, S.DUPLICATE, S.RISK_ACCEPTED}),
    S.RCA: frozenset({S.KNOWN_ERROR, S.FIX_IN_PROGRESS, S.RESOLVED, S.DUPLICATE,
                      S.RISK_ACCEPTED}),
    S.KNOWN_ERROR: frozenset({S.RCA, S.FIX_IN_PROGRESS, S.RESOLVED, S.DUPLICATE,
                              S.RISK_ACCEPTED}),
    S.FIX_IN_PROGRESS: frozenset({S.RCA, S.KNOWN_ERROR, S.RESOLVED, S.RISK_ACCEPTED}),
    # Reopened to root-cause analysis by hand, or by a new incident in the quiet period.
    S.RESOLVED: frozenset({S.CLOSED, S.RCA}),
    S.CLOSED: frozenset(),
    S.DUPLICATE: frozenset(),
    # At its review: analyse again, live with the workaround, or fix it after all.
    S.RISK_ACCEPTED: frozenset({S.RCA, S.KNOWN_ERROR, S.FIX_IN_PROGRESS}),
}

# The status the problem's ticket has in each stage (its queue, SLA and reports follow).
TICKET_STATUS: dict[str, str] = {
    S.NEW: Status.NEW,
    S.ASSESSING: Status.IN_PROGRESS,
    S.RCA: Status.IN_PROGRESS,
    S.KNOWN_ERROR: Status.IN_PROGRESS,
    S.FIX_IN_PROGRESS: Status.IN_PROGRESS,
    S.RESOLVED: Status.RESOLVED,
    S.CLOSED: Status.CLOSED,
    # Closed is only reached through resolved in the ticket lifecycle; a duplicate was
    # never resolved, so its ticket is cancelled.
    S.DUPLICATE: Status.CANCELLED,
    S.RISK_ACCEPTED: Status.ON_HOLD,
}


def allowed_stages(problem: Problem) -> list[str]:
    """The stages `problem` may move to, in lifecycle order (what pages offer)."""
    allowed = TRANSITIONS.get(problem.stage, frozenset())
    return [stage for stage in Stage.values if stage in allowed]


def fix_done(problem: Problem) -> bool:
    """The linked change or work item is resolved/closed, or the linked plan has an
    occurrence whose work item was finished after the plan was linked."""
    from maintenance.models import Occurrence

    if problem.fix_ticket_id and problem.fix_ticket.status in (Status.RESOLVED, Status.CLOSED):
        return True
    if not problem.fix_plan_id:
        return False
    finished = Occurrence.objects.filter(plan_id=problem.fix_plan_id,
                                         ticket__status__in=(Status.RESOLVED, Status.CLOSED))
    since = problem.fix_plan_linked_at
    if since is not None:
        finished = finished.filter(Q(ticket__resolved_at__gte=since)
                                   | Q(ticket__closed_at__gte=since))
    return finished.exists()


def stage_errors(problem: Problem, to: str, *, now: datetime) -> dict[str, list[str]]:
    """What is missing for `problem` (with its new field values set) to move to `to`."""
    if to not in Stage.values:
        return {"to": [f"Unknown stage “{to}”; choose one of {', '.join(Stage.values)}."]}
    if to not in TRANSITIONS.get(problem.stage, frozenset()):
        return {"to": [f"A problem in {Stage(problem.stage).label.lower()} cannot move to "
                       f"{Stage(to).label.lower()}."]}
    errors: dict[str, list[str]] = {}
    if to == S.KNOWN_ERROR and not problem.workaround.strip():
        errors["workaround"] = ["A known error needs a workaround."]
    if to == S.FIX_IN_PROGRESS and not (problem.permanent_fix.strip() or problem.fix_plan_id
                                        or problem.fix_ticket_id):
        errors["permanent_fix"] = ["A fix in progress needs a permanent fix, a fix plan "
                                   "or a fix ticket."]
    if to == S.RESOLVED:
        if not problem.root_cause.strip():
            errors["root_cause"] = ["Resolving needs a root cause."]
        if not problem.permanent_fix.strip() and not fix_done(problem):
            errors["permanent_fix"] = ["Resolving needs a permanent fix, or a linked plan or "
                                       "change that is done."]
    if to == S.CLOSED and problem.quiet_until and problem.quiet_until > now:
        errors["to"] = [f"Closing waits for the quiet period, until "
                        f"{problem.quiet_until:%Y-%m-%d %H:%M} UTC."]
    if to == S.DUPLICATE:
        errors.update(_duplicate_errors(problem))
    if to == S.RISK_ACCEPTED and (problem.risk_review_on is None
                                  or problem.risk_review_on <= now.date()):
        errors["risk_review_on"] = ["Accepting the risk needs a review date in the future."]
    return errors


def _duplicate_errors(problem: Problem) -> dict[str, list[str]]:
    target = problem.duplicate_of
    if target is None:
        return {"duplicate_of": ["Say which problem this one duplicates."]}
    if target.pk == problem.pk:
        return {"duplicate_of": ["A problem cannot duplicate itself."]}
    # Walk the stored chain (the objects in hand may be stale): it must not lead back here.
    seen, current = {problem.pk}, target.pk
    while current is not None:
        if current in seen:
            return {"duplicate_of": ["That would make a cycle of duplicates."]}
        seen.add(current)
        current = (Problem.objects.filter(pk=current)
                   .values_list("duplicate_of_id", flat=True).first())
    return {}


def ticket_path(current: str, target: str) -> list[str]:
    """The shortest run of ticket statuses from `current` to `target` (empty if none)."""
    if current == target:
        return []
    came_from: dict[str, str] = {current: current}
    queue = deque([current])
    while queue:
        status = queue.popleft()
        for following in sorted(TICKET_TRANSITIONS.get(status, frozenset())):
            if following in came_from:
                continue
            came_from[following] = status
            if following == target:
                path = [following]
                while came_from[path[-1]] != current:
                    path.append(came_from[path[-1]])
                return path[::-1]
            queue.append(following)
    return []


def ticket_follow(problem: Problem, *, actor: User | None, now: datetime) -> None:
    """Move the problem's ticket to the status of its stage, through allowed statuses."""
    ticket = problem.ticket
    target = TICKET_STATUS[problem.stage]
    path = ticket_path(ticket.status, target)
    if not path and ticket.status != target:
        # A ticket closed on its own (tickets' auto-close) cannot be reopened: say so.
        ticket_notice(ticket=ticket, field="stage", now=now,
                      message=f"The ticket stays {ticket.get_status_display().lower()}: it "
                              f"cannot become {Status(target).label.lower()}.")
        return
    for status in path:
        ticket_transition(ticket=ticket, actor=actor if actor is None or actor.is_agent
                          else None, to=status, now=now)
        ticket.refresh_from_db(fields=["status", "version", "resolved_at", "closed_at"])


def stage_apply(problem: Problem, to: str, *, actor: User | None, now: datetime,
                reason: str = "") -> list[str]:
    """Set the stage (already checked) and what comes with it; the changed field names.

    The caller saves the problem; the ticket follows and the timeline says why."""
    old = problem.stage
    problem.stage = to
    changed = ["stage"]
    if to == S.KNOWN_ERROR and problem.known_error_at is None:
        problem.known_error_at = now
        changed.append("known_error_at")
    if to == S.RESOLVED:
        problem.quiet_until = now + quiet_period()
        changed.append("quiet_until")
    elif old == S.RESOLVED:
        problem.quiet_until = None
        problem.reanalysis_count += 1
        changed += ["quiet_until", "reanalysis_count"]
    message = f"Stage {Stage(old).label} → {Stage(to).label}"
    ticket_notice(ticket=problem.ticket, field="stage", old=Stage(old).label,
                  new=Stage(to).label, message=f"{message}. {reason}".strip(), now=now)
    ticket_follow(problem, actor=actor, now=now)
    return changed


__all__ = ["TICKET_STATUS", "TRANSITIONS", "allowed_stages", "fix_done",
           "stage_apply", "stage_errors", "ticket_follow", "ticket_path"]
