"""The incidents a problem explains: linking (which may reopen a resolved problem) and
unlinking. Each link and unlink is written in the problem's timeline."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from itsm.models import User
from problems.models import Problem, ProblemIncident, Stage
from problems.services.access import require_manager
from problems.services.errors import ProblemError
from problems.services.lifecycle import stage_apply
from problems.services.workarounds import notes_post
from tickets.models import Kind, Ticket
from tickets.services.ticket import ticket_notice

CLOSED_STAGES = (Stage.CLOSED, Stage.DUPLICATE)


def _lock(problem: Problem) -> Problem:
    return (Problem.objects.select_for_update(of=("self",))
            .select_related("ticket", "article").get(pk=problem.pk))


def link_errors(problem: Problem, incidents: list[Ticket]) -> dict[str, list[str]]:
    errors = [f"{t.ref} is a {t.get_kind_display().lower()}, not an incident."
              for t in incidents if t.kind != Kind.INCIDENT]
    if problem.stage in CLOSED_STAGES:
        errors.append(f"{problem.ticket.ref} is {problem.get_stage_display().lower()}; "
                      "link the incidents to an open problem.")
    return {"incidents": errors} if errors else {}


def links_add(problem: Problem, incidents: Iterable[Ticket], *, actor: User | None,
              now: datetime) -> int:
    """Link `incidents` to the locked `problem`; the number newly linked."""
    incidents = list({t.pk: t for t in incidents}.values())
    errors = link_errors(problem, incidents)
    if errors:
        raise ProblemError(errors)
    have = set(problem.incident_links.values_list("incident_id", flat=True))
    new = [t for t in incidents if t.pk not in have]
    if not new:
        return 0
    ProblemIncident.objects.bulk_create(
        ProblemIncident(problem=problem, incident=t, linked_at=now, linked_by=actor)
        for t in new)
    refs = ", ".join(t.ref for t in new)
    ticket_notice(ticket=problem.ticket, field="link", new=refs[:200], now=now,
                  message=f"Linked {refs}")
    if problem.stage == Stage.RESOLVED:
        # A new incident while waiting to close: the fix did not hold, analyse again.
        stage_apply(problem, Stage.RCA, actor=actor, now=now,
                    reason=f"Reopened: {refs} came in during the quiet period.")
        problem.updated_at = now
        problem.save(update_fields=["stage", "quiet_until", "reanalysis_count", "updated_at"])
    if actor is not None:
        notes_post(problem, actor=actor, now=now, incidents=new)
    return len(new)


@transaction.atomic
def problem_link_incidents(*, problem: Problem, incidents: Iterable[Ticket], actor: User,
                           now: datetime | None = None) -> int:
    """Link incidents (already linked ones are skipped); how many were newly linked.

    A resolved problem goes back to root-cause analysis and counts a re-analysis; the
    current workaround is noted on each new incident that is open."""
    require_manager(actor)
    now = now or timezone.now()
    problem = _lock(problem)
    return links_add(problem, incidents, actor=actor, now=now)


@transaction.atomic
def problem_unlink_incident(*, problem: Problem, incident: Ticket, actor: User,
                            now: datetime | None = None) -> None:
    """The problem does not explain `incident` after all."""
    require_manager(actor)
    now = now or timezone.now()
    problem = _lock(problem)
    removed, _ = ProblemIncident.objects.filter(problem=problem, incident=incident).delete()
    if not removed:
        raise ProblemError({"incident": [f"{incident.ref} is not linked to "
                                         f"{problem.ticket.ref}."]})
    ticket_notice(ticket=problem.ticket, field="link", old=incident.ref, now=now,
                  message=f"Unlinked {incident.ref}")
