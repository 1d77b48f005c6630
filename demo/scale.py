"""Scale data for benchmarks (`seed_demo --tickets N`): bulk rows, not service calls.

Benchmark data outside production, so it writes rows directly: COPY on PostgreSQL (several
times faster than INSERT), bulk_create elsewhere. Each batch reserves its ticket numbers
where the service takes them (tickets.services.numbering), so numbers stay unique even
while the app files tickets.
"""

import io
import json
import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from math import log

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from demo import people, words
from demo.people import Demo
from demo.stories import pick_story, story_texts
from itsm import roles
from itsm.models import User
from tickets import rules
from tickets.models import Comment, Kind, PriorityRule, Source, Status, Ticket, TicketEvent
from tickets.services import numbering

# Scale tickets are the ones "filed through the API": the demo stories never use that
# source, so counting it tells how many scale tickets exist.
SCALE_SOURCE = Source.API
SCALE_REQUESTERS = 400
SCALE_DAYS = 730
OPEN_WORK = {Status.NEW: 3, Status.IN_PROGRESS: 4, Status.WAITING: 2, Status.ON_HOLD: 1}
DONE_WORK = {Status.CLOSED: 88, Status.CANCELLED: 8, Status.RESOLVED: 4}
SCALE_KINDS = {Kind.INCIDENT: 60, Kind.REQUEST: 36, Kind.PROBLEM: 2, Kind.MAINTENANCE: 2}


def _open_share(age_days: float) -> float:
    """How likely a ticket this old is still open: ~10% of two years' tickets in all."""
    return 0.6 if age_days <= 30 else 0.25 if age_days <= 120 else 0.05


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
    numbering.ticket_numbers_ensure()
    rng = random.Random(seed + existing)  # noqa: S311 - demo data, reproducible on purpose
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
    numbering.ticket_numbers_ensure()
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner and, outside a transaction, the visibility map
        # autovacuum would set in time: until then every index-only scan of the open
        # tickets reads the heap too (a 30-day volume report at 10,000,000 tickets: 1.3 s).
        tables = "tickets_ticket, tickets_ticketevent, tickets_comment"
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {tables}")  # noqa: S608 - names, not input
            else:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")  # noqa: S608
    return added


def _pool(demo: Demo, rng: random.Random) -> Pool:
    directory = people.staff_directory(SCALE_REQUESTERS)
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
    demo_people = {demo.users[u].pk: demo.users[u].first_name for u in people.END_USERS}
    # Most tickets come from the wide staff; the demo end users get their share too, so
    # their portal pages are measured with a real history behind them.
    requesters = [*staff, *list(demo_people) * (len(staff) // 20)]
    members = {team.pk: [u.pk for u in team.members.all() if u.is_agent]
               for team in demo.teams.values()}
    matrix = dict(rules.DEFAULT_MATRIX)
    matrix.update({(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()})
    stories = []
    for _ in range(4000):
        story = pick_story(rng)
        w = words.words(rng)
        category = demo.categories[story.category]
        service = demo.services[story.service] if story.service else None
        title, description, _fix = story_texts(rng, story, w)
        stories.append({
            "kind": story.kind, "title": title,
            "description": description + rng.choice(words.DETAILS).format_map(w),
            "reply": rng.choice(words.ACKS[story.kind]), "words": w,
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
                stars, comment = words.pick_rating(rng)
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
        numbers = numbering.ticket_numbers_reserve(kind=kind, count=len(rows))
        for number, ticket in zip(numbers, rows, strict=True):
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
