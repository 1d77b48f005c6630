"""The demo set's tickets: each one's life planned as timed steps, then played through
tickets.services with the clock moved to each step's moment (time-machine).

So numbers, timelines, SLA clocks, first responses and resolutions are what the app itself
would have recorded. Mail and tasks are held back throughout (see quiet_side_effects()).
"""

import contextlib
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from demo import people, stories, words
from demo.people import Demo
from demo.scale import SCALE_SOURCE
from tickets import services
from tickets.models import Kind, Level, Source, Status, Ticket

# The demo set's mix of where tickets are now, and how long ago their last step was (days).
TARGETS = {
    Status.NEW: (10, 0.02, 2),
    Status.IN_PROGRESS: (15, 0.05, 5),
    Status.WAITING: (8, 0.1, 8),
    Status.ON_HOLD: (5, 0.5, 15),
    Status.RESOLVED: (10, 0.02, 4),  # inside the auto-close delay, or the sweep closes them
    Status.CLOSED: (45, 0.1, 50),
    Status.CANCELLED: (7, 0.1, 55),
}
SOURCES = {Source.PORTAL: 70, Source.EMAIL: 15, Source.PHONE: 15}


@dataclass
class Step:
    at: datetime
    action: str  # create, assign, reply, note, status, time, rate
    actor: str | None  # username; None is Tend itself
    args: dict


@dataclass
class StoryPlan:
    requester: str
    title: str
    target: str
    steps: list[Step]


def plan_story(rng: random.Random, *, now: datetime, auto_close_days: int) -> StoryPlan:
    """One demo ticket's life as timed steps, ending before `now` in the state it is in."""
    story = stories.pick_story(rng)
    target = rng.choices(list(TARGETS), weights=[t[0] for t in TARGETS.values()])[0]
    team = people.CATEGORIES[story.category][0]  # ticket_create routes by category first
    members = people.team_members(team)
    lead = people.TEAMS[team]
    agent = rng.choices(members, weights=[1 if m == "ada" else 4 for m in members])[0]
    if story.kind == Kind.PROBLEM:
        requester, source = lead, Source.PORTAL
    else:
        requester = rng.choice(people.END_USERS)
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
    by_phone = source == Source.PHONE
    w = words.words(rng, first=people.first_name(requester))
    impact, urgency = rng.choice(story.impact), rng.choice(story.urgency)
    title, description, fix = stories.story_texts(rng, story, w)
    steps: list[tuple[int, str, str | None, dict]] = []

    def add(low: int, high: int, action: str, actor: str | None, **args) -> None:
        steps.append((rng.randint(low, high), action, actor, args))

    add(0, 0, "create", agent if by_phone else requester,
        title=title, description=description,
        kind=story.kind, source=source, created_by=agent if by_phone else None,
        category=story.category, service=story.service,
        asset=rng.choice(story.assets) if story.assets and rng.random() < 0.5 else None,
        impact=impact, urgency=urgency, assignee=agent if by_phone else None,
        attach=story.kind == Kind.INCIDENT and rng.random() < 0.08)

    def say(texts: tuple[str, ...]) -> str:
        return rng.choice(texts).format_map(w)

    if target == Status.CANCELLED and rng.random() < 0.5:
        add(10, 600, "status", requester, to=Status.CANCELLED, note=say(words.CANCEL_NOTES))
        return _timed(rng, requester, title, target, steps, now)
    if target == Status.NEW:
        if rng.random() < 0.3:
            add(10, 240, "reply", requester, body=say(words.FOLLOW_UPS))
        return _timed(rng, requester, title, target, steps, now)
    if not by_phone:
        urgent = impact == Level.HIGH and urgency == Level.HIGH
        add(2, 20 if urgent else 180, "assign", lead, assignee=agent)
    if rng.random() < 0.4:
        add(2, 30, "note", agent, body=say(story.notes or words.GENERIC_NOTES[story.kind]))
    add(1, 45, "reply", agent, body=say(words.ACKS[story.kind]))
    if target == Status.IN_PROGRESS:
        if rng.random() < 0.5:
            add(30, 600, "reply", requester, body=say(words.FOLLOW_UPS))
        return _timed(rng, requester, title, target, steps, now)
    if target == Status.WAITING or rng.random() < 0.35:
        question, answer = rng.choice(story.questions or words.GENERIC_QUESTIONS)
        add(10, 240, "status", agent, to=Status.WAITING, note=question.format_map(w))
        if target == Status.WAITING:
            return _timed(rng, requester, title, target, steps, now)
        add(20, 1440, "reply", requester, body=answer.format_map(w))
    if target == Status.ON_HOLD:
        add(30, 600, "status", agent, to=Status.ON_HOLD, note=say(words.HOLD_REASONS))
        return _timed(rng, requester, title, target, steps, now)
    if target == Status.CANCELLED:
        add(30, 1440, "status", agent, to=Status.CANCELLED,
            note="This is a duplicate of another ticket; we'll follow up there.")
        return _timed(rng, requester, title, target, steps, now)
    if rng.random() < 0.5:
        add(5, 60, "time", agent, minutes=rng.choice((15, 20, 30, 45, 60, 90)),
            note="Diagnosis and fix")
    add(30, 2880, "status", agent, to=Status.RESOLVED, note=fix)
    if rng.random() < 0.1 and story.kind == Kind.INCIDENT:
        add(60, 2880, "status", requester, to=Status.IN_PROGRESS, note=say(words.REOPEN_NOTES))
        add(60, 1440, "status", agent, to=Status.RESOLVED,
            note="Sorry about that. I looked deeper this time. " + fix)
    rated = story.kind != Kind.PROBLEM and rng.random() < 0.55
    stars, comment = words.pick_rating(rng)
    if target == Status.RESOLVED or rng.random() < 0.4:
        if target == Status.CLOSED:
            add(10, 2000, "status", requester, to=Status.CLOSED)
        if rated:
            add(5, 600, "rate", requester, rating=stars, comment=comment)
    else:
        waited = 0
        if rated:
            add(5, 600, "rate", requester, rating=stars, comment=comment)
            waited = steps[-1][0]
        # Nobody confirmed: the auto-close sweep (every 15 minutes) closes it.
        add(1, 15, "status", None, to=Status.CLOSED)
        steps[-1] = (steps[-1][0] + auto_close_days * 1440 - waited, *steps[-1][1:])
    return _timed(rng, requester, title, target, steps, now)


def _at_work(rng: random.Random, at: datetime) -> datetime:
    """`at`, or a moment early in the next office day (08:00-18:00 local, Monday-Friday)."""
    # Drawn every time: what the generator hands out next must not depend on the clock,
    # or a second run on another day would plan other tickets (seed_demo is idempotent).
    settle = timedelta(minutes=rng.randint(0, 120))
    local = timezone.localtime(at)
    if local.hour < 8 or local.hour >= 18 or local.weekday() >= 5:
        days = 1 if local.hour >= 18 else 0
        local = (local + timedelta(days=days)).replace(hour=8, minute=0) + settle
        while local.weekday() >= 5:
            local += timedelta(days=1)
    return local


def _workdays_back(at: datetime, days: int) -> datetime:
    while days:
        at -= timedelta(days=1)
        days -= timezone.localtime(at).weekday() < 5
    return at


def _timed(rng, requester, title, target, steps, now: datetime) -> StoryPlan:
    """Give the steps real times, in office hours, the last one in the target's window."""
    _, low, high = TARGETS[target]
    end = now - timedelta(days=rng.uniform(low, high))
    at = end - timedelta(minutes=sum(gap for gap, *_ in steps))
    times = []
    for gap, _action, actor, _args in steps:
        at += timedelta(minutes=gap)
        if actor is not None:  # people work office hours; Tend's sweeps run at any time
            at = _at_work(rng, at)
        times.append(at)
    # Nights and weekends made the story longer: move it back by whole working days, so
    # it still ends before `now` and keeps its office hours.
    late = times[-1] - end
    if late > timedelta(0):
        times = [_workdays_back(t, late.days + 1) for t in times]
    timed = [Step(at=t, action=action, actor=actor, args=args)
             for t, (_gap, action, actor, args) in zip(times, steps, strict=True)]
    return StoryPlan(requester=requester, title=title, target=target, steps=timed)


@contextlib.contextmanager
def quiet_side_effects():
    """The demo history is in the past: nobody should be e-mailed about it, and no task
    should wait in a broker for a worker that may not be running. Notifications are
    dropped at the source; anything else a service enqueues runs eagerly into locmem mail.
    """
    from itsm.config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with (override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
              services.notifications_muted()):
            yield
    finally:
        app.conf.task_always_eager = eager


# No elapsed time or rate: the clock the bar would read is the travelling one.
STEPS_BAR = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} steps"


def seed_stories(demo: Demo, *, count: int, seed: int, quiet: bool) -> int:
    """File demo tickets until the demo people have `count`; returns how many were filed.

    Counting (rather than matching titles) keeps a second run a no-op even after the
    stories in demo/stories.py change; tickets people file by hand in the demo count too.
    """
    existing = (Ticket.objects.exclude(source=SCALE_SOURCE)
                .filter(requester__username__in=[u.username for u in people.USERS]).count())
    if existing >= count:
        return 0
    now = timezone.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    plans, seen = [], set()
    for _ in range(count * 20):  # bounded: the stories have far more titles than needed
        if len(plans) == count:
            break
        plan = plan_story(rng, now=now, auto_close_days=settings.TEND_AUTO_CLOSE_DAYS)
        if (plan.requester, plan.title) not in seen:  # no two alike in one demo
            seen.add((plan.requester, plan.title))
            plans.append(plan)
    plans = plans[existing:]
    if not plans:
        return 0
    # Every step of every story in time order, so numbers and timelines are chronological.
    steps = sorted(((step.at, i, j, step) for i, plan in enumerate(plans)
                    for j, step in enumerate(plan.steps)), key=lambda item: item[:3])
    tickets: dict[int, Ticket] = {}
    # One transaction: a run stopped half-way leaves no half-told stories behind.
    with (transaction.atomic(), time_machine.travel(steps[0][0], tick=False) as clock,
          tqdm(total=len(steps), desc="Demo tickets", disable=True if quiet else None,
               file=sys.stderr, bar_format=STEPS_BAR) as bar):
        for at, i, _, step in steps:
            clock.move_to(at)
            tickets[i] = _play(demo, plans[i], step, tickets.get(i))
            bar.update()
    return len(plans)


def _play(demo: Demo, plan: StoryPlan, step: Step, ticket: Ticket | None) -> Ticket:
    users, args = demo.users, step.args
    actor = users[step.actor] if step.actor else None
    if step.action == "create":
        files = [ContentFile(_log_text(args["title"]).encode(), name="error.log")] \
            if args["attach"] else []
        return services.ticket_create(
            requester=users[plan.requester], title=args["title"],
            description=args["description"], kind=args["kind"], source=args["source"],
            actor=users[args["created_by"]] if args["created_by"] else None,
            category=demo.categories[args["category"]],
            service=demo.services[args["service"]] if args["service"] else None,
            asset=demo.assets[args["asset"]] if args["asset"] else None,
            impact=args["impact"], urgency=args["urgency"],
            assignee=users[args["assignee"]] if args["assignee"] else None, files=files)
    if step.action == "assign":
        return services.ticket_update(ticket=ticket, actor=actor, assignee=users[args["assignee"]])
    if step.action in ("reply", "note"):
        services.comment_add(ticket=ticket, actor=actor, body=args["body"],
                             internal=step.action == "note")
        return ticket
    if step.action == "status":
        return services.ticket_transition(ticket=ticket, actor=actor, to=args["to"],
                                          note=args.get("note", ""))
    if step.action == "time":
        services.time_log(ticket=ticket, actor=actor, minutes=args["minutes"], note=args["note"])
        return ticket
    if step.action == "rate":
        return services.ticket_rate(ticket=ticket, actor=actor, rating=args["rating"],
                                    comment=args["comment"])
    raise ValueError(f"Unknown demo step {step.action!r}")


def _log_text(title: str) -> str:
    now = timezone.now()
    lines = [f"{now - timedelta(seconds=30 * i):%Y-%m-%d %H:%M:%S} ERROR {title}"
             for i in range(5, 0, -1)]
    return "\n".join(lines) + "\n"
