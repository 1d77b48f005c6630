"""The demo set's tickets: each one's life planned as timed steps, then played through
tickets.services with the clock moved to each step's moment (time-machine).

A life is planned whole, from filing to closing (plan_story); then it is given a filing
moment (tickets come in all through the history, mostly in office hours) and real times,
people working office hours and whoever is on call at night for the incidents timed
around the clock (_timed); what lies after now is cut off, and what is left says where
the ticket is today. So the open backlog is what a steady team would have, not a pile of
recent tickets. Numbers, timelines, SLA clocks (the beat's sweep runs at each deadline),
first responses and resolutions are what the app itself would have recorded. Mail and
tasks are held back throughout (see quiet_side_effects()).
"""

import contextlib
import heapq
import logging
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from demo import people, sla, stories, words, worktime
from demo.people import Demo
from demo.scale import SCALE_SOURCE
from demo.worktime import DAY
from tickets import rules, services
from tickets.models import Kind, Source, Status, Ticket
from tickets.services.sla.sweep import sla_sweep

# Stretches some stories have: the share of them that do, and the step of the sequence
# that spreads them evenly over the history (see _timed).
PHASES = {"waiting": (0.35, 0.7548776662), "hold": (0.15, 0.5698402910)}
# The same for how long a long stretch lasts, by what it is (frac of φ, √2, √3).
SLOW = {"fix": 0.6180339887, "answer": 0.4142135624, "hold": 0.7320508076}
SOURCES = {Source.PORTAL: 70, Source.EMAIL: 15, Source.PHONE: 15}


@dataclass
class Step:
    at: datetime
    action: str  # create, assign, reply, note, status, time, rate, auto_close
    actor: str | None  # username; None is Tend itself
    args: dict


@dataclass
class StoryPlan:
    requester: str
    title: str
    steps: list  # (gap in minutes, action, actor, args) until timed, then Step


def plan_story(rng: random.Random, *, auto_close_days: int) -> StoryPlan:
    """One demo ticket's whole life as steps with the minutes between them (of office time
    where people act), from filing to closing: nothing is decided yet about when it starts
    or where it is now."""
    story = stories.pick_story(rng)
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
    # P1 and P2 are triaged and answered at once; the rest wait their turn. Those timed
    # around the clock (demo/sla.py) are worked at night too, by whoever is on call.
    priority = rules.DEFAULT_MATRIX[(impact, urgency)]
    urgent = priority <= 2
    on_call = priority == 1 or (priority == 2 and story.service in sla.AROUND_THE_CLOCK)
    title, description, fix = stories.story_texts(rng, story, w)
    steps: list[tuple] = []  # (gap, action, actor, args); a gap is (low, high) if "slow"

    def add(low: int, high: int, action: str, actor: str | None, **args) -> None:
        # A long stretch ("slow") gets its length when the story is timed (_timed).
        gap = (low, high) if "slow" in args else rng.randint(low, high)
        if on_call and actor in members:
            args["any_hour"] = True
        steps.append((gap, action, actor, args))

    def say(texts: tuple[str, ...]) -> str:
        return rng.choice(texts).format_map(w)

    def done() -> StoryPlan:
        return StoryPlan(requester=requester, title=title, steps=steps)

    add(0, 0, "create", agent if by_phone else requester,
        title=title, description=description,
        kind=story.kind, source=source, created_by=agent if by_phone else None,
        category=story.category, service=story.service,
        asset=rng.choice(story.assets) if story.assets and rng.random() < 0.5 else None,
        impact=impact, urgency=urgency, assignee=agent if by_phone else None,
        attach=story.kind == Kind.INCIDENT and rng.random() < 0.08)
    if rng.random() < 0.04:
        add(30, 1200, "status", requester, to=Status.CANCELLED, note=say(words.CANCEL_NOTES))
        return done()
    if not by_phone:
        if urgent:
            add(2, 10, "assign", lead, assignee=agent)
        elif rng.random() < 0.05:  # overlooked in a busy queue until someone asks
            add(DAY // 2, 2 * DAY, "assign", lead, assignee=agent)
        else:
            add(10, 180, "assign", lead, assignee=agent)
    add(1, 5 if urgent else 45, "reply", agent, body=say(words.ACKS[story.kind]))
    if rng.random() < 0.4:
        add(2, 30, "note", agent, body=say(story.notes or words.GENERIC_NOTES[story.kind]))
    if rng.random() < 0.2:
        add(30, 480, "reply", requester, body=say(words.FOLLOW_UPS))
    # Whether the story has these is decided when it is timed (PHASES, _timed).
    question, answer = rng.choice(story.questions or words.GENERIC_QUESTIONS)
    add(10, 240, "status", agent, to=Status.WAITING, note=question.format_map(w),
        phase="waiting")
    add(60, 2 * DAY, "reply", requester, body=answer.format_map(w), slow="answer",
        phase="waiting")
    if not urgent:
        reason = rng.randrange(len(words.HOLD_REASONS))
        add(30, 600, "status", agent, to=Status.ON_HOLD, note=words.HOLD_REASONS[reason],
            phase="hold")
        add(3 * DAY, 6 * DAY, "status", agent, to=Status.IN_PROGRESS,
            note=words.RESUME_NOTES[reason], slow="hold", phase="hold")
    if rng.random() < 0.04:
        add(30, DAY, "status", agent, to=Status.CANCELLED,
            note="This is a duplicate of another ticket; we'll follow up there.")
        return done()
    if rng.random() < 0.5:
        add(5, 60, "time", agent, minutes=rng.choice((15, 20, 30, 45, 60, 90)),
            note="Diagnosis and fix")
    if urgent:
        add(30, 180, "status", agent, to=Status.RESOLVED, note=fix)
    else:
        add(DAY, 4 * DAY if story.kind == Kind.REQUEST else 5 * DAY // 2, "status", agent,
            to=Status.RESOLVED, note=fix, slow="fix")
    if rng.random() < 0.1 and story.kind == Kind.INCIDENT:
        add(60, 2 * DAY, "status", requester, to=Status.IN_PROGRESS, note=say(words.REOPEN_NOTES))
        add(60, DAY, "status", agent, to=Status.RESOLVED,
            note="Sorry about that. I looked deeper this time. " + fix)
    if story.kind != Kind.PROBLEM and rng.random() < 0.55:
        stars, comment = words.pick_rating(rng)
        add(5, 600, "rate", requester, rating=stars, comment=comment)
    if rng.random() < 0.4:
        add(10, 2 * DAY, "status", requester, to=Status.CLOSED)
    else:  # nobody confirmed: the sweep closes it, counted from the (last) resolution
        add(auto_close_days * 1440 + 1, auto_close_days * 1440 + 15, "auto_close", None)
    return done()


def _timed(rng: random.Random, plan: StoryPlan, filed: datetime, *, index: int,
           taken: Counter) -> list[Step]:
    """The plan's steps with real times from `filed` on, people's in office hours.

    Which stories wait for an answer or go on hold, and how long the long stretches
    ("slow") last, is spread evenly over the demo set instead of drawn: the `index`-th
    story has a phase if frac(index × step) falls in its share, and the n-th stretch of a
    kind (`taken` counts them, oldest story first) lasts quantile frac(n × step) of its
    range: low-discrepancy sequences. So stories close in time differ, and no run of lucky
    or unlucky draws piles work up or clears it out: what leaves the queue leaves it as
    steadily as it came in.
    """
    at, resolved, timed = filed, filed, []
    for gap, action, actor, args in plan.steps:
        phase = args.get("phase")
        if phase and (index * PHASES[phase][1]) % 1 >= PHASES[phase][0]:
            continue
        if "slow" in args:
            low, high = gap
            taken[args["slow"]] += 1
            gap = low + (high - low) * ((taken[args["slow"]] * SLOW[args["slow"]]) % 1)
        if action == "auto_close":
            at = resolved + timedelta(minutes=gap)
        elif actor is None or args.get("any_hour"):
            at += timedelta(minutes=gap)
        elif action != "create":
            at = worktime.after_work(rng, at, gap)
        if action == "status" and args["to"] == Status.RESOLVED:
            resolved = at
        timed.append(Step(at=at, action=action, actor=actor, args=args))
    return timed


@contextlib.contextmanager
def quiet_side_effects():
    """The demo history is in the past: nobody should be e-mailed about it, and no task
    should wait in a broker for a worker that may not be running. Notifications are
    dropped at the source; anything else a service enqueues runs eagerly into locmem mail,
    without the line per task Celery logs at INFO (a hundred "succeeded" lines from the
    history's SLA sweeps would bury the seed's own output).
    """
    from itsm.config.celery import app

    eager = app.conf.task_always_eager
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        with (override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
              services.notifications_muted()):
            yield
    finally:
        app.conf.task_always_eager = eager
        trace.setLevel(level)


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
    plans = story_plans(count=count, seed=seed, now=now)[existing:]
    if not plans:
        return 0
    # Every step of every story in time order, so numbers and timelines are chronological.
    steps = sorted(((step.at, i, j, step) for i, plan in enumerate(plans)
                    for j, step in enumerate(plan.steps)), key=lambda item: item[:3])
    tickets: dict[int, Ticket] = {}
    sweeps: list[datetime] = []  # SLA moments ahead: the beat's sweep marks them then
    # One transaction: a run stopped half-way leaves no half-told stories behind.
    with (transaction.atomic(), time_machine.travel(steps[0][0], tick=False) as clock,
          tqdm(total=len(steps), desc="Demo tickets", disable=True if quiet else None,
               file=sys.stderr, bar_format=STEPS_BAR) as bar):
        for at, i, _, step in steps:
            while sweeps and sweeps[0] <= at:
                moment = heapq.heappop(sweeps)
                while sweeps and sweeps[0] == moment:  # one sweep a minute is enough
                    heapq.heappop(sweeps)
                clock.move_to(moment)
                sla_sweep(now=moment)
            clock.move_to(at)
            ticket = tickets[i] = _play(demo, plans[i], step, tickets.get(i))
            for moment in (ticket.next_warn_at, ticket.next_due_at):
                if moment is not None and at < moment < now:
                    # The minute after, as the beat's next sweep would see it.
                    heapq.heappush(sweeps, moment.replace(second=0, microsecond=0)
                                   + timedelta(minutes=1))
            bar.update()
        clock.move_to(now)
    return len(plans)


def story_plans(*, count: int, seed: int, now: datetime) -> list[StoryPlan]:
    """The demo set's `count` stories, each timed and cut at `now`, oldest first.

    What the stories say comes from `seed` alone and when they happen from another
    generator, so the first N stories are the same ones whatever `count` and `now` are.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    plans, seen = [], set()
    for _ in range(count * 20):  # bounded: the stories have far more titles than needed
        if len(plans) == count:
            break
        plan = plan_story(rng, auto_close_days=settings.TEND_AUTO_CLOSE_DAYS)
        if (plan.requester, plan.title) not in seen:  # no two alike in one demo
            seen.add((plan.requester, plan.title))
            plans.append(plan)
    timing, taken = random.Random(seed + 1), Counter()  # noqa: S311
    # The desk answers the phone in office hours only: a call is never filed at night.
    filed = [worktime.office_before(timing, at) if plan.steps[0][3]["source"] == Source.PHONE
             else at
             for plan, at in zip(plans, worktime.arrivals(timing, len(plans), now), strict=True)]
    # Cut at `now`: the steps left say where each ticket is today.
    return [StoryPlan(requester=plan.requester, title=plan.title,
                      steps=[step for step in _timed(timing, plan, at, index=index, taken=taken)
                             if step.at <= now])
            for index, (plan, at) in enumerate(zip(plans, filed, strict=True))]


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
        ticket.refresh_from_db()  # a reply may have moved it on, and its SLA clock
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
    if step.action == "auto_close":
        services.tickets_auto_close(now=step.at)
        ticket.refresh_from_db()
        return ticket
    raise ValueError(f"Unknown demo step {step.action!r}")


def _log_text(title: str) -> str:
    now = timezone.now()
    lines = [f"{now - timedelta(seconds=30 * i):%Y-%m-%d %H:%M:%S} ERROR {title}"
             for i in range(5, 0, -1)]
    return "\n".join(lines) + "\n"
