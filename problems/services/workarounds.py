"""A problem's workaround reaching people: internal notes on its open incidents (once per
workaround version), replies to their requesters, and the known-error article.

Helpers for problems.services.problems and links (the problem row is locked by the caller);
`problem_send_workaround` is the service the desk calls.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from itsm.models import User
from knowledge.models import Article, Audience, Confidence
from knowledge.services.articles import article_create, article_update
from problems.models import Problem, Stage, WorkaroundNote
from problems.services.access import require_manager
from problems.services.errors import ProblemError, as_problem_error
from tickets.models import OPEN_STATUSES, Ticket
from tickets.services.comments import comment_add

# Stages whose workaround is published as a known error.
KNOWN_ERROR_STAGES = (Stage.KNOWN_ERROR, Stage.FIX_IN_PROGRESS)


def _note_body(problem: Problem) -> str:
    return (f"Workaround (v{problem.workaround_version}) from {problem.ticket.ref} "
            f"“{problem.ticket.title}”:\n\n{problem.workaround}")


def _reply_body(problem: Problem) -> str:
    return ("We know what causes this and are working on a permanent fix. Meanwhile, this "
            f"should get you going:\n\n{problem.workaround}")


def notes_post(problem: Problem, *, actor: User, now: datetime,
               incidents: Iterable[Ticket] | None = None) -> int:
    """Post the current workaround as an internal note on each open linked incident (or on
    `incidents`) that has no note of this version yet; how many were posted."""
    if not problem.workaround_version or not problem.workaround.strip():
        return 0
    if incidents is None:
        incidents = Ticket.objects.filter(problem_links__problem=problem,
                                          status__in=OPEN_STATUSES).order_by("pk")
    incidents = [t for t in incidents if t.status in OPEN_STATUSES]
    done = set(WorkaroundNote.objects.filter(problem=problem, version=problem.workaround_version)
               .values_list("incident_id", flat=True))
    posted = 0
    for incident in incidents:
        if incident.pk in done:
            continue
        # The unique (problem, incident, version) row is the once-only key; the problem row
        # is locked by the caller, so no second writer gets here at the same time.
        WorkaroundNote.objects.create(problem=problem, incident=incident,
                                      version=problem.workaround_version, posted_at=now)
        comment_add(ticket=incident, actor=actor, body=_note_body(problem), internal=True,
                    now=now)
        done.add(incident.pk)
        posted += 1
    return posted


@transaction.atomic
def problem_send_workaround(*, problem: Problem, actor: User,
                            incidents: Iterable[Ticket] | None = None,
                            now: datetime | None = None) -> int:
    """Reply with the workaround to the requesters of open linked incidents (all of them, or
    the chosen `incidents`); each incident gets one reply per workaround version."""
    require_manager(actor)
    now = now or timezone.now()
    problem = (Problem.objects.select_for_update(of=("self",)).select_related("ticket")
               .get(pk=problem.pk))
    if not problem.workaround.strip() or not problem.workaround_version:
        raise ProblemError({"workaround": ["Write a workaround before sending it."]})
    linked = {t.pk: t for t in Ticket.objects.filter(problem_links__problem=problem)}
    if incidents is None:
        chosen = [t for t in linked.values() if t.status in OPEN_STATUSES]
    else:
        chosen = list(incidents)
        errors = [f"{t.ref} is not linked to {problem.ticket.ref}." for t in chosen
                  if t.pk not in linked]
        errors += [f"{t.ref} is no longer open." for t in chosen
                   if t.pk in linked and linked[t.pk].status not in OPEN_STATUSES]
        if errors:
            raise ProblemError({"incidents": errors})
        chosen = [linked[t.pk] for t in chosen]
    notes_post(problem, actor=actor, now=now, incidents=chosen)
    pending = (WorkaroundNote.objects.select_for_update()
               .filter(problem=problem, version=problem.workaround_version,
                       incident__in=[t.pk for t in chosen], replied_at__isnull=True))
    sent = 0
    by_pk = {t.pk: t for t in chosen}
    for note in pending.order_by("incident_id"):
        with as_problem_error():
            comment_add(ticket=by_pk[note.incident_id], actor=actor, body=_reply_body(problem),
                        now=now)
        note.replied_at = now
        note.save(update_fields=["replied_at"])
        sent += 1
    return sent


def article_publish(problem: Problem, *, actor: User | None, now: datetime) -> Article:
    """Create or update the problem's known-error article (for customers, not validated
    unless someone validated it), and keep it on `problem.article` (the caller saves)."""
    services = list(problem.services.all())
    article = problem.article
    fields = {"title": problem.ticket.title, "symptoms": problem.symptoms or problem.statement,
              "cause": problem.root_cause, "resolution": problem.workaround}
    with as_problem_error():
        if article is None:
            article = article_create(actor=actor, now=now, services=services, article=Article(
                audience=Audience.CUSTOMERS, confidence=Confidence.NOT_VALIDATED, **fields))
        else:
            if article.confidence not in (Confidence.VALIDATED, Confidence.NOT_VALIDATED):
                article.confidence = Confidence.NOT_VALIDATED  # back from archive or draft
            for name, value in fields.items():
                setattr(article, name, value)
            article_update(actor=actor, article=article, services=services, now=now,
                           note=f"known error {problem.ticket.ref} changed")
    problem.article = article
    return article
