"""The demo's history looks like a calm, working service desk: a steady backlog with
ordinary ups and downs, most SLA targets met and a few missed, work in every state today.

The full demo set (300 stories and the maintenance history) is seeded once, at a fixed
moment; the stories alone are cheap to plan, so their backlog is also checked at moments
spread over a week (the demo is seeded whenever someone runs `make run`).
"""

import statistics
from datetime import UTC, datetime, timedelta

import time_machine
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from demo import tickets as demo_tickets
from tickets.models import OPEN_STATUSES, Kind, Status, Ticket, TicketEvent

THURSDAY_1400 = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)
WEEKS = 8
OPEN = {str(s) for s in OPEN_STATUSES}


def day_ends(now: datetime) -> list[datetime]:
    """The end of each of the last WEEKS weeks' days, up to yesterday's."""
    last = timezone.localtime(now)
    return [(last - timedelta(days=d)).replace(hour=23, minute=59)
            for d in range(WEEKS * 7, 0, -1)]


def steady(counts: list[int]) -> tuple[float, float, float]:
    """(mean, lowest and highest as a share off the mean)."""
    mean = statistics.mean(counts)
    return mean, min(counts) / mean - 1, max(counts) / mean - 1


def seeded_backlog(moments: list[datetime]) -> list[int]:
    """Open tickets at each moment, from the tickets' own timelines."""
    by_label = {label: value for value, label in Status.choices}
    changes: dict[int, list] = {}
    for ticket_id, at, new in (TicketEvent.objects.filter(field="status")
                               .order_by("at", "pk").values_list("ticket_id", "at", "new_value")):
        changes.setdefault(ticket_id, []).append((at, by_label[new]))
    created = dict(Ticket.objects.values_list("pk", "created_at"))

    def open_at(pk, moment):
        status = Status.NEW
        for at, new in changes.get(pk, []):
            if at > moment:
                break
            status = new
        return status in OPEN

    return [sum(at <= moment and open_at(pk, moment) for pk, at in created.items())
            for moment in moments]


def planned_backlog(plans, moment: datetime) -> int:
    """Open stories at `moment`, from their steps (a reply moves NEW or WAITING on)."""
    count = 0
    for plan in plans:
        status = None
        for step in plan.steps:
            if step.at > moment:
                break
            if step.action == "create":
                status = Status.NEW
            elif step.action == "status":
                status = step.args["to"]
            elif step.action == "auto_close":
                status = Status.CLOSED
            elif step.action == "reply" and status in (Status.NEW, Status.WAITING):
                by_requester = step.actor == plan.requester
                if by_requester == (status == Status.WAITING):
                    status = Status.IN_PROGRESS
        count += status in OPEN
    return count


def test_the_stories_backlog_is_steady_whenever_the_demo_is_seeded(settings):
    for hours in range(0, 7 * 24, 21):  # every weekday and time of day, roughly
        now = THURSDAY_1400 + timedelta(hours=hours)
        with time_machine.travel(now, tick=False):
            plans = demo_tickets.story_plans(count=300, seed=2024, now=now)
            counts = [planned_backlog(plans, moment) for moment in day_ends(now)]
        mean, low, high = steady(counts)
        assert 12 <= mean <= 30, (now, counts)
        # Typically within ±30 %; a busy Monday may stand out for a day.
        assert statistics.pstdev(counts) / mean < 0.17, (now, counts)
        assert low > -0.45 and high < 0.45, (now, counts)


def test_the_seeded_demo_looks_like_a_calm_working_desk(db):
    with time_machine.travel(THURSDAY_1400, tick=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_maintenance", verbosity=0)
    counts = seeded_backlog([*day_ends(THURSDAY_1400), THURSDAY_1400])
    mean, low, high = steady(counts)
    assert low > -0.4 and high < 0.4, counts  # 11 to 125 in a week, before
    assert abs(counts[-1] / mean - 1) < 0.3, counts  # no cliff at the end either

    done = Ticket.objects.filter(resolution_breached__isnull=False)
    missed = done.filter(resolution_breached=True).count()
    assert 0 < missed <= 0.12 * done.count(), (missed, done.count())
    answered = Ticket.objects.filter(response_breached__isnull=False)
    late = answered.filter(response_breached=True).count()
    assert 0 < late <= 0.1 * answered.count(), (late, answered.count())

    start = THURSDAY_1400 - timedelta(weeks=WEEKS)
    for week in range(WEEKS):  # what comes in each week, goes out about as fast
        begins, ends = start + timedelta(weeks=week), start + timedelta(weeks=week + 1)
        created = Ticket.objects.filter(created_at__gte=begins, created_at__lt=ends).count()
        finished = Ticket.objects.filter(
            Q(resolved_at__gte=begins, resolved_at__lt=ends)
            | Q(status=Status.CANCELLED, updated_at__gte=begins, updated_at__lt=ends)).count()
        assert 15 <= created <= 45 and abs(finished - created) <= 0.4 * created, (
            week, created, finished)

    now_open = Ticket.objects.filter(status__in=OPEN_STATUSES)
    assert {Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.ON_HOLD} <= set(
        now_open.values_list("status", flat=True))
    # Nobody's request has been forgotten for a month (parts and approvals aside).
    stale = now_open.filter(kind__in=[Kind.INCIDENT, Kind.REQUEST],
                            created_at__lt=THURSDAY_1400 - timedelta(days=30))
    assert not stale.exclude(status=Status.ON_HOLD).exists()
