"""Root-cause analysis: the five whys, each an immutable entry in the problem's timeline
(a NOTICE event with field "why" on its ticket; read back by selectors.timeline.five_whys)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from itsm.models import User
from problems.models import Problem
from problems.services.access import require_manager
from problems.services.errors import ProblemError
from problems.services.links import CLOSED_STAGES
from tickets.services.ticket import ticket_notice

MAX_LENGTH = 2000


@transaction.atomic
def problem_add_why(*, problem: Problem, actor: User, why: str, answer: str,
                    now: datetime | None = None) -> None:
    """Ask one more "why?" and write its answer; entries are never edited."""
    require_manager(actor)
    why = why.strip() if isinstance(why, str) else ""
    answer = answer.strip() if isinstance(answer, str) else ""
    errors = {}
    if not why:
        errors["why"] = ["Ask the question."]
    if not answer:
        errors["answer"] = ["Write the answer."]
    for name, text in (("why", why), ("answer", answer)):
        if len(text) > MAX_LENGTH:
            errors[name] = [f"At most {MAX_LENGTH} characters."]
    problem = Problem.objects.select_related("ticket").get(pk=problem.pk)
    if problem.stage in CLOSED_STAGES:
        errors["stage"] = [f"{problem.ticket.ref} is {problem.get_stage_display().lower()}."]
    if errors:
        raise ProblemError(errors)
    who = actor.get_full_name() or actor.get_username() if actor else "Tend"
    ticket_notice(ticket=problem.ticket, field="why", old=why, new=answer,
                  message=f"Why? {why} — {answer} ({who})"[:MAX_LENGTH * 2 + 100],
                  now=now or timezone.now())
