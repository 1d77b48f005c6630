"""Volume and backlog: created vs resolved, open tickets at each day's end, their age,
reopen rate and the busiest categories.

The backlog is counted back from now, so it needs only the days since the period began:
open at the end of day d = open now + tickets done after d − tickets created after d
(a ticket created and done after d adds one and takes one; one created before and done
after d is the one that was open). "Done" is resolved (resolved_at) or cancelled (the
ticket's last change, as Tend keeps no separate cancellation time).
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from reports import facts as f
from reports.figures import colors, common, headline
from reports.tables import (
    DATE,
    INT,
    PERCENT,
    TEXT,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Table,
    pct,
)
from tickets.models import Category

TITLE = "Volume and backlog"
AGE_BUCKETS = (("< 1 day", 0, 1), ("1–3 days", 1, 3), ("3–7 days", 3, 7),
               ("7–30 days", 7, 30), ("> 30 days", 30, None))
WEEKLY_AFTER_DAYS = 62  # longer periods chart created and resolved per week


def _daily(period, filters, categories: dict | None = None):
    """Per day since the period began (until now): created, resolved, reopened, cancelled
    (the day facts); and the open count now (the open tickets: a current state).

    Pass a dict as `categories` to have it filled with the tickets created in the period
    per category name (the category facts)."""
    created: dict = defaultdict(int)
    resolved: dict = {}
    cancelled: dict = {}
    for row in f.sums(f.rows(f.DAY, filters, period.first_day), ["day"],
                      {"created": "created", "n": "resolved", "reopened": "reopened",
                       "cancelled": "cancelled"}):
        day = row["day"]
        if row["created"]:
            created[day] = row["created"]
        if row["n"] or row["reopened"]:
            resolved[day] = row
        if row["cancelled"]:
            cancelled[day] = row["cancelled"]
    if categories is not None:
        found = f.sums(f.rows(f.CATEGORY, filters, period.first_day, period.last_day),
                       ["category_id"], {"n": "created"})
        names = dict(Category.objects.filter(
            pk__in=[r["category_id"] for r in found if r["category_id"]])
            .values_list("pk", "name"))
        for row in found:
            name = names.get(row["category_id"])
            categories[name] = categories.get(name, 0) + row["n"]
    open_now = sum(f.open_by_assignee(filters).values())
    return created, resolved, cancelled, open_now


def series(period, filters, categories: dict | None = None) -> list[dict]:
    """One row per day of the period: created, resolved, cancelled, open at day end."""
    created, resolved, cancelled, open_now = _daily(period, filters, categories)
    resolved = {common.as_date(k): v for k, v in resolved.items()}
    cancelled = {common.as_date(k): v for k, v in cancelled.items()}
    today = timezone.localdate()
    # Walk back from the last day seen: what was done and created after each day.
    change_after: dict = {}
    running = 0
    for day in sorted({*created, *resolved, *cancelled, *period.day_list()}, reverse=True):
        change_after[day] = running
        running += (resolved[day]["n"] if day in resolved else 0) + cancelled.get(day, 0) \
            - created.get(day, 0)
    return [{
        "day": day, "created": created.get(day, 0),
        "resolved": resolved[day]["n"] if day in resolved else 0,
        "reopened": resolved[day]["reopened"] if day in resolved else 0,
        "cancelled": cancelled.get(day, 0),
        "backlog": open_now + change_after[day] if day <= today else None,
    } for day in period.day_list()]


def _open_at_start(rows: list[dict]) -> int | None:
    """Open when the period began: the first day's end, less its own flow."""
    if not rows or rows[0]["backlog"] is None:
        return None
    first = rows[0]
    return first["backlog"] - first["created"] + first["resolved"] + first["cancelled"]


def _weekly(rows: list[dict]) -> list[dict]:
    weeks: dict = defaultdict(lambda: {"created": 0, "resolved": 0, "cancelled": 0})
    for row in rows:
        week = weeks[common.week_start(row["day"])]
        for key in ("created", "resolved", "cancelled"):
            week[key] += row[key]
    return [{"week": week, **counts} for week, counts in sorted(weeks.items())]


def ages(period, filters, now) -> dict[str, int]:
    moment = period.until(now)
    conditions = {}
    for n, (_label, low, high) in enumerate(AGE_BUCKETS):
        condition = Q(created_at__lte=moment - timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=moment - timedelta(days=high))
        conditions[f"age{n}"] = Count("pk", filter=condition)
    found = common.open_at(filters, moment, now).aggregate(**conditions)
    return {label: found[f"age{n}"] for n, (label, _low, _high) in enumerate(AGE_BUCKETS)}


def build(period, filters, *, limit=None, now=None) -> Report:
    now = now or timezone.now()
    by_category: dict = {}
    rows = series(period, filters, by_category)
    age_counts = ages(period, filters, now)
    categories = sorted(by_category.items(),
                        key=lambda c: (-c[1], c[0] is None, c[0] or ""))[:10]

    created = sum(r["created"] for r in rows)
    resolved = sum(r["resolved"] for r in rows)
    reopened = sum(r["reopened"] for r in rows)
    backlogs = [r["backlog"] for r in rows if r["backlog"] is not None]
    start_backlog = _open_at_start(rows)
    end_backlog = backlogs[-1] if backlogs else None

    weekly = period.days > WEEKLY_AFTER_DAYS
    flow = _weekly(rows) if weekly else rows
    key = "week" if weekly else "day"
    flow_labels = [f"{r[key]:%-d %b}" for r in flow]
    age_rows = [{"age": label, "open": age_counts[label]} for label, _low, _high in AGE_BUCKETS]
    category_rows = [{"category": name or common.NO_CATEGORY, "created": n,
                      "share": pct(n, created)} for name, n in categories]

    report = Report("volume", TITLE, period, filters, summary=[
        Figure("created", "Created", created, better=""),
        Figure("resolved", "Resolved", resolved, better="up"),
        Figure("backlog", "Open at period end", end_backlog, better="down",
               hint=f"{start_backlog} at the start" if start_backlog is not None else ""),
        Figure("reopen_rate", "Reopen rate", pct(reopened, resolved), PERCENT, better="down",
               hint=f"{reopened} of {resolved} resolved tickets had been reopened"),
    ])
    report.sections = [
        Section("Created and resolved" + (" per week" if weekly else " per day"),
                anchor="flow", tables=[
                    Table("flow", "Created and resolved per " + key, [
                        Column(key, "Week of" if weekly else "Day", DATE),
                        Column("created", "Created"), Column("resolved", "Resolved"),
                        Column("cancelled", "Cancelled", minor=True)], flow)],
                chart=Chart("bar", flow_labels, [
                    {"label": "Created", "data": [r["created"] for r in flow],
                     "color": colors.CREATED},
                    {"label": "Resolved", "data": [r["resolved"] for r in flow],
                     "color": colors.RESOLVED}])),
        Section("Backlog", anchor="backlog",
                intro="Tickets open at the end of each day.", tables=[
                    Table("backlog", "Open tickets at the end of each day", [
                        Column("day", "Day", DATE), Column("backlog", "Open", INT)],
                        [{"day": r["day"], "backlog": r["backlog"]} for r in rows])],
                chart=Chart("line", [f"{r['day']:%-d %b}" for r in rows],
                            [{"label": "Open at day end", "data": [r["backlog"] for r in rows]}])),
        Section("Age of open tickets", anchor="age",
                intro=f"Open tickets at {timezone.localtime(period.until(now)):%-d %b %Y %H:%M}"
                      ", by age.", tables=[
                    Table("age", "Open tickets by age", [
                        Column("age", "Age", TEXT), Column("open", "Open")], age_rows)],
                chart=Chart("bar", [r["age"] for r in age_rows],
                            [{"label": "Open tickets", "data": [r["open"] for r in age_rows]}])),
        Section("Top categories", anchor="categories", tables=[
            Table("categories", "Most frequent categories of tickets created", [
                Column("category", "Category", TEXT), Column("created", "Created"),
                Column("share", "Share", PERCENT)], category_rows)],
            chart=Chart("bar", [r["category"] for r in category_rows],
                        [{"label": "Created", "data": [r["created"] for r in category_rows]}],
                        horizontal=True) if category_rows else None),
    ]
    return report


def needs() -> headline.Needs:
    return headline.Needs(aggregates={
        headline.RESOLVED: {"volume_resolved": "resolved", "volume_reopened": "reopened"},
        headline.CREATED: {"volume_created": "created"},
        headline.CANCELLED: {"volume_cancelled": "cancelled"},
    }, open_by_assignee=True)


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    """Open at a moment T = open now + done after T − created after T (see above)."""
    R, C, X = headline.RESOLVED, headline.CREATED, headline.CANCELLED
    now_, before, after = headline.NOW, headline.BEFORE, headline.AFTER
    open_now = sum(found.open_by_assignee.values())

    def open_after(spans):
        done = found.total(R, "volume_resolved", spans) + found.total(X, "volume_cancelled",
                                                                       spans)
        return open_now + done - found.total(C, "volume_created", spans)

    def reopen_rate(span):
        return pct(found.get(R, span, "volume_reopened"), found.get(R, span, "volume_resolved"))

    created, resolved = found.series(C, "volume_created"), found.series(R, "volume_resolved")
    reopened, cancelled = found.series(R, "volume_reopened"), found.series(X, "volume_cancelled")
    # Open at the end of each bucket, counted back from what is open after the period.
    backlog, running = [], open_after((after,))
    for n in reversed(range(len(created))):
        backlog.insert(0, running)
        running += resolved[n] + cancelled[n] - created[n]
    return [
        Figure("created", "Tickets created", found.get(C, now_, "volume_created"),
               previous=found.get(C, before, "volume_created"),
               series=found.observed(created)),
        Figure("resolved", "Tickets resolved", found.get(R, now_, "volume_resolved"),
               better="up", previous=found.get(R, before, "volume_resolved"),
               series=found.observed(resolved)),
        Figure("backlog", "Open at period end", open_after((after,)), better="down",
               previous=open_after((now_, after)), series=found.observed(backlog)),
        Figure("reopen_rate", "Reopen rate", reopen_rate(now_), PERCENT, better="down",
               previous=reopen_rate(before), series=found.observed(
                   [pct(o, r) for o, r in zip(reopened, resolved, strict=True)])),
    ]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
