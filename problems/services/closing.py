"""Closing resolved problems whose quiet period passed without a new incident (beat)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from problems.models import Problem, Stage
from problems.services.lifecycle import ticket_follow
from tickets.services.ticket import ticket_notice

BATCH = 200


def problems_close_quiet(*, now: datetime | None = None) -> int:
    """Close every resolved problem whose `quiet_until` has passed; how many. Safe to run
    twice or concurrently: rows are claimed FOR UPDATE SKIP LOCKED and moved by a guarded
    UPDATE … WHERE stage = resolved, so a problem reopened meanwhile stays open."""
    now = now or timezone.now()
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(Problem.objects.select_for_update(skip_locked=True)
                         .filter(stage=Stage.RESOLVED, quiet_until__lte=now)
                         .values_list("pk", flat=True)[:BATCH])
            if not batch:
                return closed
            moved = Problem.objects.filter(pk__in=batch, stage=Stage.RESOLVED,
                                           quiet_until__lte=now)
            moved.update(stage=Stage.CLOSED, updated_at=now)
            # The rows are ours (locked): every one of them was still resolved.
            for problem in Problem.objects.filter(pk__in=batch).select_related("ticket"):
                ticket_notice(ticket=problem.ticket, field="stage", old=Stage.RESOLVED.label,
                              new=Stage.CLOSED.label, now=now,
                              message="Stage Resolved → Closed: the quiet period passed "
                                      "without a new incident.")
                ticket_follow(problem, actor=None, now=now)
                closed += 1
