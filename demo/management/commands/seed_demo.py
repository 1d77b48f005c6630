"""`manage.py seed_demo`: demo people, teams, services and a few hundred realistic tickets.

Safe to run again and again: people, teams, services, assets and categories are looked
up by name, and demo tickets are only added while the demo people have fewer than asked.

The demo tickets are made through tickets.services with the clock moved to each step's
moment, so numbers, timelines, SLA clocks, first responses and resolutions are what the
app itself would have recorded. `--tickets N` bulk-adds scale data for benchmarks (see
seed_scale()); mail and tasks are held back throughout (see quiet_side_effects()).
"""

import contextlib
import io
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from math import log

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVectorField
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from demo import tickets as data
from itsm import roles
from itsm.models import Asset, Service, Team, User
from tickets import rules, services
from tickets.models import (
    Category,
    Comment,
    Kind,
    PriorityRule,
    Source,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.services import numbering

# Scale tickets are the ones "filed through the API": the demo stories never use that
# source, so counting it tells how many scale tickets exist.
SCALE_SOURCE = Source.API
SCALE_REQUESTERS = 400


@dataclass
class Demo:
    users: dict[str, User]
    teams: dict[str, Team]
    services: dict[str, Service]
    assets: dict[str, Asset]
    categories: dict[str, Category]


class Command(BaseCommand):
    help = ("Create demo users (password 'demo'), teams, services, assets, categories and "
            "realistic tickets. Idempotent. --tickets N bulk-adds scale data.")

    def add_arguments(self, parser):
        parser.add_argument("--demo-tickets", type=int, default=300,
                            help="How many story tickets the demo set has (default 300).")
        parser.add_argument("--tickets", type=int, default=0,
                            help="Make sure at least N bulk scale tickets exist (source "
                                 "'API', two years of history, ~10%% open).")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2024, help="Random seed.")

    def handle(self, *args, demo_tickets, tickets, batch_size, seed, verbosity, **options):
        if Group.objects.filter(name__in=roles.ALL).count() != len(roles.ALL):
            raise CommandError("The role groups are missing: run `manage.py migrate` first.")
        quiet = verbosity == 0
        with quiet_side_effects():
            demo = seed_base()
            made = seed_stories(demo, count=demo_tickets, seed=seed, quiet=quiet)
        if verbosity:
            self.stdout.write(f"Demo data ready: {made} new demo tickets "
                              f"({Ticket.objects.exclude(source=SCALE_SOURCE).count()} in all).")
        if tickets:
            started = time.monotonic()
            added = seed_scale(demo, target=tickets, batch_size=batch_size, seed=seed,
                               quiet=quiet)
            seconds = time.monotonic() - started
            if verbosity:
                rate = f", {added / seconds:,.0f} tickets/s" if added else ""
                self.stdout.write(f"Scale data ready: added {added:,} tickets in "
                                  f"{seconds:,.1f} s{rate}; "
                                  f"{Ticket.objects.filter(source=SCALE_SOURCE).count():,} "
                                  "scale tickets in all.")


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


@transaction.atomic
def seed_base() -> Demo:
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL)}
    users = {}
    for spec in data.USERS:
        user, created = User.objects.get_or_create(username=spec.username, defaults={
            "first_name": spec.first_name, "last_name": spec.last_name,
            "email": f"{spec.username}@example.com", "job_title": spec.job_title,
            "is_staff": spec.is_staff})
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(groups[spec.role])
        users[spec.username] = user
    teams = {}
    for name, lead in data.TEAMS.items():
        team, _ = Team.objects.get_or_create(name=name, defaults={"lead": users[lead]})
        team.members.add(*(users[u] for u in data.team_members(name)))
        teams[name] = team
    service_rows = {}
    for name, (owner, description) in data.SERVICES.items():
        service_rows[name], _ = Service.objects.get_or_create(
            name=name, defaults={"owner_team": teams[owner], "description": description})
    assets = {}
    for name, kind, service, hostname, ip, location in data.ASSETS:
        assets[name], _ = Asset.objects.get_or_create(name=name, defaults={
            "kind": kind, "service": service_rows[service], "hostname": hostname,
            "ip_address": ip, "location": location})
    categories = {}
    for name, (team, description) in data.CATEGORIES.items():
        categories[name], _ = Category.objects.get_or_create(
            name=name, defaults={"default_team": teams[team], "description": description})
    return Demo(users=users, teams=teams, services=service_rows, assets=assets,
                categories=categories)


# No elapsed time or rate: the clock the bar would read is the travelling one.
STEPS_BAR = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} steps"


def seed_stories(demo: Demo, *, count: int, seed: int, quiet: bool) -> int:
    """File demo tickets until the demo people have `count`; returns how many were filed.

    Counting (rather than matching titles) keeps a second run a no-op even after the
    stories in demo_data change; tickets people file by hand in the demo count too.
    """
    existing = (Ticket.objects.exclude(source=SCALE_SOURCE)
                .filter(requester__username__in=[u.username for u in data.USERS]).count())
    if existing >= count:
        return 0
    try:
        import time_machine
    except ImportError as exc:  # a dev dependency; production images may not have it
        raise CommandError("seed_demo needs the time-machine package: "
                           "pip install time-machine") from exc
    now = timezone.now()
    rng = random.Random(seed)
    plans, seen = [], set()
    for _ in range(count * 20):  # bounded: the stories have far more titles than needed
        if len(plans) == count:
            break
        plan = data.plan_story(rng, now=now, auto_close_days=settings.TEND_AUTO_CLOSE_DAYS)
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


def _play(demo: Demo, plan: data.StoryPlan, step: data.Step, ticket: Ticket | None) -> Ticket:
    users, args = demo.users, step.args
    actor = users[step.actor] if step.actor else None
    if step.action == "create":
        files = [ContentFile(_log_text(args["title"]).encode(), name="error.log")] \
            if args["attach"] else []
        return services.ticket_create(
            requester=users[plan.requester], title=args["title"],
            description=args["description"], kind=args["kind"], source=args["source"],
            created_by=users[args["created_by"]] if args["created_by"] else None,
            category=demo.categories[args["category"]],
            service=demo.services[args["service"]] if args["service"] else None,
            asset=demo.assets[args["asset"]] if args["asset"] else None,
            impact=args["impact"], urgency=args["urgency"],
            assignee=users[args["assignee"]] if args["assignee"] else None, files=files)
    if step.action == "assign":
        return services.ticket_update(ticket=ticket, actor=actor, assignee=users[args["assignee"]])
    if step.action in ("reply", "note"):
        services.comment_add(ticket=ticket, author=actor, body=args["body"],
                             internal=step.action == "note")
        return ticket
    if step.action == "status":
        return services.ticket_transition(ticket=ticket, actor=actor, to=args["to"],
                                          note=args.get("note", ""))
    if step.action == "time":
        services.time_log(ticket=ticket, user=actor, minutes=args["minutes"], note=args["note"])
        return ticket
    if step.action == "rate":
        return services.ticket_rate(ticket=ticket, user=actor, rating=args["rating"],
                                    comment=args["comment"])
    raise ValueError(f"Unknown demo step {step.action!r}")


def _log_text(title: str) -> str:
    now = timezone.now()
    lines = [f"{now - timedelta(seconds=30 * i):%Y-%m-%d %H:%M:%S} ERROR {title}"
             for i in range(5, 0, -1)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Scale data: bulk rows, not service calls. Each batch reserves its ticket numbers where
# the service takes them (tickets.services.numbering), so numbers stay unique even while the app
# files tickets.

SCALE_DAYS = 730
OPEN_WORK = {Status.NEW: 3, Status.IN_PROGRESS: 4, Status.WAITING: 2, Status.ON_HOLD: 1}
DONE_WORK = {Status.CLOSED: 88, Status.CANCELLED: 8, Status.RESOLVED: 4}


def _open_share(age_days: float) -> float:
    """How likely a ticket this old is still open: ~10% of two years' tickets in all."""
    return 0.6 if age_days <= 30 else 0.25 if age_days <= 120 else 0.05
SCALE_KINDS = {Kind.INCIDENT: 60, Kind.REQUEST: 36, Kind.PROBLEM: 2, Kind.MAINTENANCE: 2}


@dataclass
class Pool:
    """Texts and references the scale rows are drawn from, prepared once."""

    stories: list[dict]
    requesters: list[int]
    first_names: dict[int, str]
    members: dict[int, list[int]]  # team id -> agent ids
    matrix: dict[tuple[int, int], int]


def seed_scale(demo: Demo, *, target: int, batch_size: int, seed: int, quiet: bool) -> int:
    """Add scale tickets until at least `target` exist; returns how many were added."""
    existing = Ticket.objects.filter(source=SCALE_SOURCE).count()
    missing = target - existing
    if missing <= 0:
        return 0
    numbering.ensure()
    rng = random.Random(seed + existing)
    pool = _pool(demo, rng)
    write = _write_copy if connection.vendor == "postgresql" else _write_orm
    now = timezone.now()
    added = 0
    with tqdm(total=missing, unit="ticket", unit_scale=True, desc="Scale tickets",
              disable=True if quiet else None, file=sys.stderr, smoothing=0.05) as bar:
        while added < missing:
            size = min(batch_size, missing - added)
            with transaction.atomic():
                tickets, comments = _batch(pool, rng, range(existing + added,
                                                            existing + added + size),
                                           target, now)
                write(tickets, comments)
            added += size
            bar.update(size)
    numbering.ensure()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the planner
            cursor.execute("ANALYZE tickets_ticket, tickets_ticketevent, tickets_comment")
    return added


def _pool(demo: Demo, rng: random.Random) -> Pool:
    directory = data.staff_directory(SCALE_REQUESTERS)
    end_users = Group.objects.get(name=roles.END_USER)
    unusable = make_password(None)  # these people never sign in
    User.objects.bulk_create(
        [User(username=u, first_name=f, last_name=last, email=f"{u}@example.com",
              password=unusable) for u, f, last in directory], ignore_conflicts=True)
    staff = dict(User.objects.filter(username__in=[u for u, *_ in directory])
                 .values_list("pk", "first_name"))
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pk, group_id=end_users.pk) for pk in staff],
        ignore_conflicts=True)
    demo_people = {demo.users[u].pk: demo.users[u].first_name for u in data.END_USERS}
    # Most tickets come from the wide staff; the demo end users get their share too, so
    # their portal pages are measured with a real history behind them.
    requesters = [*staff, *list(demo_people) * (len(staff) // 20)]
    members = {team.pk: [u.pk for u in team.members.all() if u.is_agent]
               for team in demo.teams.values()}
    matrix = dict(rules.DEFAULT_MATRIX)
    matrix.update({(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()})
    stories = []
    for _ in range(4000):
        story = data.pick_story(rng)
        w = data.words(rng)
        category = demo.categories[story.category]
        service = demo.services[story.service] if story.service else None
        title, description, _fix = data.story_texts(rng, story, w)
        stories.append({
            "kind": story.kind, "title": title,
            "description": description + rng.choice(data.DETAILS).format_map(w),
            "reply": rng.choice(data.ACKS[story.kind]), "words": w,
            "category_id": category.pk,
            "service_id": service.pk if service else None,
            "team_id": category.default_team_id,
            "asset_ids": [demo.assets[a].pk for a in story.assets],
            "impact": story.impact, "urgency": story.urgency,
        })
    return Pool(stories=stories, requesters=requesters, first_names={**staff, **demo_people},
                members=members, matrix=matrix)


def _minutes(rng: random.Random, median: float, spread: float) -> timedelta:
    return timedelta(minutes=rng.lognormvariate(log(median), spread))


def _batch(pool: Pool, rng: random.Random, positions: range, total: int,
           now) -> tuple[list[dict], list[dict]]:
    """Rows for the scale tickets at `positions` of `total`, spread evenly over two years
    in that order, so ticket numbers rise with time as they would in real use."""
    kinds, kind_weights = list(SCALE_KINDS), list(SCALE_KINDS.values())
    span = timedelta(days=SCALE_DAYS, minutes=-1)
    tickets, comments = [], []
    for position in positions:
        created = now - span + span * ((position + rng.random()) / total)
        age_days = (now - created) / timedelta(days=1)
        work = OPEN_WORK if rng.random() < _open_share(age_days) else DONE_WORK
        status = rng.choices(list(work), list(work.values()))[0]
        if status == Status.NEW and age_days > 7:
            status = Status.IN_PROGRESS  # nobody leaves a ticket untouched for weeks
        story = rng.choice(pool.stories)
        kind = story["kind"] if rng.random() < 0.9 else rng.choices(kinds, kind_weights)[0]
        impact, urgency = rng.choice(story["impact"]), rng.choice(story["urgency"])
        team = story["team_id"]
        agents = pool.members.get(team) or [None]
        assignee = None if status == Status.NEW and rng.random() < 0.7 else rng.choice(agents)
        ticket = {
            "kind": kind, "title": story["title"], "description": story["description"],
            "requester_id": rng.choice(pool.requesters), "team_id": team,
            "assignee_id": assignee, "category_id": story["category_id"],
            "service_id": story["service_id"],
            "asset_id": rng.choice(story["asset_ids"]) if story["asset_ids"]
            and rng.random() < 0.3 else None,
            "source": SCALE_SOURCE, "impact": impact, "urgency": urgency,
            "priority": pool.matrix[(impact, urgency)], "status": status, "version": 1,
            "created_at": created, "first_response_at": None, "resolved_at": None,
            "closed_at": None, "reopen_count": 0, "rating": None, "rating_comment": "",
            "rated_at": None,
        }
        last = created
        if status not in (Status.NEW, Status.CANCELLED):
            last = ticket["first_response_at"] = min(created + _minutes(rng, 45, 1.0),
                                                     now - timedelta(seconds=30))
        if status in (Status.RESOLVED, Status.CLOSED):
            last = ticket["resolved_at"] = min(last + _minutes(rng, 480, 1.2), now)
            closes = last + timedelta(days=settings.TEND_AUTO_CLOSE_DAYS,
                                      minutes=rng.randint(1, 15))
            if closes < now:
                last = ticket["closed_at"] = closes
                ticket["status"] = Status.CLOSED
            else:
                ticket["status"] = Status.RESOLVED
            if rng.random() < 0.25:
                stars, comment = data.pick_rating(rng)
                rated = min(ticket["resolved_at"] + _minutes(rng, 240, 1.0), now)
                ticket.update(rating=stars, rating_comment=comment, rated_at=rated)
                last = max(last, rated)
        elif status != Status.NEW:
            last = min(last + _minutes(rng, 120, 1.5), now)
        ticket["updated_at"] = last
        if ticket["first_response_at"] and rng.random() < 0.1:
            ticket["version"] = 2
            first = pool.first_names.get(ticket["requester_id"], "there")
            comments.append({"ticket": ticket, "author_id": assignee or ticket["requester_id"],
                             "body": story["reply"].format_map({**story["words"], "first": first}),
                             "at": ticket["first_response_at"]})
        tickets.append(ticket)
    _number(tickets)
    return tickets, comments


def _number(tickets: list[dict]) -> None:
    """Reserve a block of numbers per kind, oldest ticket first."""
    tickets.sort(key=lambda t: t["created_at"])
    by_kind: dict[str, list[dict]] = {}
    for ticket in tickets:
        by_kind.setdefault(ticket["kind"], []).append(ticket)
    for kind, rows in by_kind.items():
        for number, ticket in zip(numbering.reserve(kind, len(rows)), rows, strict=True):
            ticket["number"] = number


def _events_and_comments(tickets, comments):
    events = [{"ticket_id": t["id"], "actor_id": t["requester_id"], "at": t["created_at"],
               "action": TicketEvent.Action.CREATED, "field": "", "old_value": "",
               "new_value": "", "message": "Created via API", "version": 1,
               "is_internal": False} for t in tickets]
    comment_rows = []
    for c in comments:
        comment_rows.append({"ticket_id": c["ticket"]["id"], "author_id": c["author_id"],
                             "body": c["body"], "is_internal": False, "created_at": c["at"]})
        events.append({"ticket_id": c["ticket"]["id"], "actor_id": c["author_id"],
                       "at": c["at"], "action": TicketEvent.Action.REPLIED, "field": "",
                       "old_value": "", "new_value": "", "message": c["body"][:140],
                       "version": 2, "is_internal": False})
    return events, comment_rows


def _write_orm(tickets: list[dict], comments: list[dict]) -> None:
    objects = [Ticket(**ticket) for ticket in tickets]
    Ticket.objects.bulk_create(objects)
    for ticket, obj in zip(tickets, objects, strict=True):
        ticket["id"] = obj.pk
    events, comment_rows = _events_and_comments(tickets, comments)
    TicketEvent.objects.bulk_create(TicketEvent(**row) for row in events)
    Comment.objects.bulk_create(Comment(**row) for row in comment_rows)


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPE)
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, dict | list):
        return json.dumps(value).translate(_ESCAPE)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _copy(cursor, model, rows: list[dict]) -> None:
    """COPY rows into model's table; columns a row leaves out get the model's default,
    so fields other apps add to Ticket need no change here."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields
              if not isinstance(f, SearchVectorField)  # the trigger fills it
              and (not f.primary_key or f.attname in rows[0])]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    names = [f.attname for f in fields]
    buffer = io.StringIO()
    buffer.writelines(
        "\t".join(_copy_value(row[n] if n in row else defaults[n]) for n in names) + "\n"
        for row in rows)
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)


def _write_copy(tickets: list[dict], comments: list[dict]) -> None:
    """COPY is several times faster than INSERT; the search trigger still fires per row."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # seed data: no fsync per batch
        cursor.execute("SELECT nextval(pg_get_serial_sequence('tickets_ticket', 'id')) "
                       "FROM generate_series(1, %s)", [len(tickets)])
        for ticket, (pk,) in zip(tickets, cursor.fetchall(), strict=True):
            ticket["id"] = pk
        raw = cursor.cursor  # psycopg2's own cursor, for copy_expert
        events, comment_rows = _events_and_comments(tickets, comments)
        _copy(raw, Ticket, tickets)
        _copy(raw, TicketEvent, events)
        _copy(raw, Comment, comment_rows)
