"""DSE workload: open items per person now, resolved per week per person in the period,
and time each person logged in the period.

"Open now" is the current queue whatever the period; resolved items count for the person
assigned when they were resolved (their assignee now).
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from reports import facts as f
from reports.figures import colors, common, headline
from reports.tables import (
    DATE,
    FLOAT,
    INT,
    MINUTES,
    TEXT,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Table,
)
from tickets.models import OPEN_STATUSES, Priority

User = get_user_model()

TITLE = "DSE workload"
CHART_PEOPLE = 12
NAME_FIELDS = ("first_name", "last_name", "username")


def _name(row: dict, prefix: str) -> str:
    return common.person(*(row[f"{prefix}__{f}"] for f in NAME_FIELDS))


def build(period, filters, *, limit=None, now=None) -> Report:
    now = now or timezone.now()
    base = common.tickets(filters)
    names = [f"assignee__{f}" for f in NAME_FIELDS]
    open_rows = list(base.filter(status__in=OPEN_STATUSES).order_by()
                     .values("assignee_id", *names).annotate(
                         open=Count("pk"),
                         **{f"p{p}": Count("pk", filter=Q(priority=p)) for p in Priority.values},
                         breached=Count("pk", filter=Q(sla_breached=True)),
                         overdue=Count("pk", filter=Q(due_at__lt=now))))
    # Resolved per assignee and time logged per person: the assignee and time facts.
    resolved_rows = [r for r in f.sums(
        f.rows(f.ASSIGNEE, filters, period.first_day, period.last_day)
        .annotate(week=TruncWeek("day")), ["assignee_id", "week"], {"n": "resolved"})
        if r["n"]]
    logged_rows = [r for r in f.sums(f.rows(f.TIME, filters, period.first_day,
                                            period.last_day), ["user_id"],
                                     {"minutes": "minutes", "entries": "entries"})
                   if r["entries"]]
    _name_people([*resolved_rows, *logged_rows])

    people: dict = defaultdict(lambda: {"open": 0, "p1": 0, "p2": 0, "p3": 0, "p4": 0,
                                        "breached": 0, "overdue": 0, "resolved": 0,
                                        "minutes": 0})
    labels: dict = {}
    for row in open_rows:
        key = row["assignee_id"]
        labels[key] = _name(row, "assignee")
        for field in ("open", "p1", "p2", "p3", "p4", "breached", "overdue"):
            people[key][field] += row[field]
    weekly: dict = defaultdict(int)
    for row in resolved_rows:
        key = row["assignee_id"]
        labels[key] = _name(row, "assignee")
        people[key]["resolved"] += row["n"]
        weekly[(common.as_date(row["week"]), key)] += row["n"]
    for row in logged_rows:
        key = row["user_id"]
        labels[key] = _name(row, "user")
        people[key]["minutes"] += row["minutes"] or 0

    def order(key):
        # People by name, "Unassigned" last.
        return (key is None, labels[key].lower())

    person_rows = [{"person": labels[k], **people[k]} for k in sorted(people, key=order)]
    weeks = _weeks(period)
    weekly_rows = [{"week": w, "person": labels[k], "resolved": weekly[(w, k)]}
                   for w in weeks for k in sorted(people, key=order) if weekly.get((w, k))]
    assigned_open = sum(v["open"] for k, v in people.items() if k is not None)
    holders = sum(1 for k, v in people.items() if k is not None and v["open"])
    busiest = sorted((k for k in people if k is not None), key=lambda k: -people[k]["open"])
    top = busiest[:CHART_PEOPLE]
    resolvers = sorted((k for k in people if k is not None and people[k]["resolved"]),
                       key=lambda k: -people[k]["resolved"])[:8]

    report = Report("workload", TITLE, period, filters, summary=[
        Figure("open", "Open items now", sum(v["open"] for v in people.values())),
        Figure("unassigned", "Unassigned open items", people[None]["open"] if None in people
               else 0, better="down"),
        Figure("per_person", "Open items per person (mean)",
               round(assigned_open / holders, 1) if holders else None, FLOAT,
               hint=f"{holders} people hold open items"),
        Figure("resolved", "Resolved in the period",
               sum(v["resolved"] for v in people.values())),
    ])
    report.sections = [
        Section("Per person", anchor="people", tables=[
            Table("people", "Open items now, resolved and time logged in the period", [
                Column("person", "Person", TEXT), Column("open", "Open now", INT),
                Column("p1", "P1", INT, minor=True), Column("p2", "P2", INT, minor=True),
                Column("breached", "SLA breached", INT, minor=True),
                Column("overdue", "Past due date", INT, minor=True),
                Column("resolved", "Resolved", INT), Column("minutes", "Time logged", MINUTES)],
                person_rows, empty="Nobody holds or resolved any work item.")],
            chart=Chart("bar", [labels[k] for k in top], [
                {"label": f"P{p}", "data": [people[k][f"p{p}"] for k in top],
                 "color": colors.PRIORITY[p]}
                for p in Priority.values], stacked=True, horizontal=True,
                title=f"Open items now, busiest {len(top)} people") if top else None),
        Section("Resolved per week", anchor="weekly", tables=[
            Table("resolved_weekly", "Items resolved per week and person", [
                Column("week", "Week of", DATE), Column("person", "Person", TEXT),
                Column("resolved", "Resolved", INT)], weekly_rows,
                empty="Nothing was resolved in this period.")],
            chart=Chart("line", [f"{w:%-d %b}" for w in weeks], [
                {"label": labels[k], "data": [weekly.get((w, k), 0) for w in weeks]}
                for k in resolvers], title=f"Resolved per week, top {len(resolvers)} people")
            if resolvers else None),
    ]
    return report


def _name_people(rows: list[dict]) -> None:
    """Give fact rows (assignee_id or user_id) the name fields the heap rows had."""
    ids = {r.get("assignee_id") or r.get("user_id") for r in rows} - {None}
    people = {p["pk"]: p for p in User.objects.filter(pk__in=ids).values("pk", *NAME_FIELDS)}
    for row in rows:
        prefix = "assignee" if "assignee_id" in row else "user"
        found = people.get(row[f"{prefix}_id"], {})
        for name in NAME_FIELDS:
            row[f"{prefix}__{name}"] = found.get(name)


def _weeks(period):
    first = common.week_start(period.first_day)
    return [first + timedelta(weeks=n)
            for n in range((period.last_day - first).days // 7 + 1)]


def needs() -> headline.Needs:
    return headline.Needs(open_by_assignee=True)


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    """Open items per person now (no trend: past queues are not kept)."""
    held = dict(found.open_by_assignee)
    unassigned = held.pop(None, 0)
    per_person = round(sum(held.values()) / len(held), 1) if held else None
    return [Figure("per_person", "Open items per person", per_person, FLOAT,
                   hint=f"{unassigned} unassigned")]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
