"""Proactive vs reactive work: work items by kind and origin, time logged on each, per
week; and incidents per service before and after preventive plans started on it.

Origin of a work item: "monitoring" (raised by a check), "patch deadline" (a patch
follow-up raised by Tend when a patch became overdue), "maintenance plan" (any other
item Tend raised from a plan), "user" (everything filed by people: portal, API, e-mail,
phone). Reactive kinds: incident, service request, problem; the rest is proactive.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Case, CharField, Count, IntegerField, Min, Q, Sum, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from itsm.models import Service
from reports import facts as f
from reports.figures import colors, common, headline
from reports.tables import (
    DATE,
    FLOAT,
    INT,
    MINUTES,
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
from tickets.models import REACTIVE_KINDS, Kind, Source, Ticket

TITLE = "Proactive vs reactive work"
ORIGINS = {"user": "User", "monitoring": "Monitoring", "plan": "Maintenance plan",
           "patch": "Patch deadline"}
WINDOW_DAYS = 90  # incidents counted this long before and after a service's first plan
MAX_SERVICES = 50


def origin(prefix: str = "") -> Case:
    return Case(
        When(**{f"{prefix}source": Source.MONITORING}, then=Value("monitoring")),
        When(**{f"{prefix}source": Source.MAINTENANCE, f"{prefix}kind": Kind.PATCH},
             then=Value("patch")),
        When(**{f"{prefix}source": Source.MAINTENANCE}, then=Value("plan")),
        default=Value("user"), output_field=CharField())


def is_proactive(kind: str) -> bool:
    return kind not in REACTIVE_KINDS


def _weeks(period) -> list:
    first = common.week_start(period.first_day)
    count = (period.last_day - first).days // 7 + 1
    return [first + timedelta(weeks=n) for n in range(count)]


def build(period, filters, *, limit=None, now=None) -> Report:
    now = now or timezone.now()
    # The day facts (created) and time facts (minutes), both keyed by source and kind.
    items = f.sums(f.rows(f.DAY, filters, period.first_day, period.last_day)
                   .annotate(week=TruncWeek("day"), origin=origin()),
                   ["week", "kind", "origin"], {"n": "created"})
    logged = f.sums(f.rows(f.TIME, filters, period.first_day, period.last_day)
                    .annotate(week=TruncWeek("day"), origin=origin()),
                    ["week", "kind", "origin"], {"minutes": "minutes", "entries": "entries"})

    table: dict = defaultdict(lambda: {"items": 0, "minutes": 0})
    for row in items:
        if row["n"]:
            table[(common.as_date(row["week"]), row["kind"], row["origin"])]["items"] += \
                row["n"]
    for row in logged:
        if row["entries"]:
            key = (common.as_date(row["week"]), row["kind"], row["origin"])
            table[key]["minutes"] += row["minutes"]

    weekly_rows = [{"week": week, "origin": ORIGINS[o], "kind": Kind(kind).label,
                    "proactive": "proactive" if is_proactive(kind) else "reactive", **v}
                   for (week, kind, o), v in sorted(table.items())]
    totals: dict = defaultdict(lambda: {"items": 0, "minutes": 0})
    for (_week, kind, o), v in table.items():
        totals[(o, kind)]["items"] += v["items"]
        totals[(o, kind)]["minutes"] += v["minutes"]
    total_rows = [{"origin": ORIGINS[o], "kind": Kind(kind).label,
                   "proactive": "proactive" if is_proactive(kind) else "reactive", **v}
                  for (o, kind), v in sorted(totals.items(), key=lambda kv: (
                      list(ORIGINS).index(kv[0][0]), kv[0][1]))]

    items_total = sum(v["items"] for v in totals.values())
    proactive_items = sum(v["items"] for (_o, k), v in totals.items() if is_proactive(k))
    minutes_total = sum(v["minutes"] for v in totals.values())
    proactive_minutes = sum(v["minutes"] for (_o, k), v in totals.items() if is_proactive(k))

    weeks = _weeks(period)
    week_labels = [f"{w:%-d %b}" for w in weeks]

    def per_week(kind_test, value):
        sums = defaultdict(int)
        for (week, kind, _o), v in table.items():
            if kind_test(kind):
                sums[week] += v[value]
        return [sums.get(w, 0) for w in weeks]

    before_after = plans_effect(filters, now)
    report = Report("work", TITLE, period, filters, summary=[
        Figure("proactive_share", "Proactive share of work items",
               pct(proactive_items, items_total), PERCENT,
               hint=f"{proactive_items} of {items_total} items created"),
        Figure("proactive_time_share", "Proactive share of time logged",
               pct(proactive_minutes, minutes_total), PERCENT,
               hint=f"{round(proactive_minutes / 60, 1)} of {round(minutes_total / 60, 1)} h"),
        Figure("items", "Work items created", items_total),
        Figure("hours", "Hours logged", round(minutes_total / 60, 1), FLOAT),
    ])
    report.sections = [
        Section("Work items and time by origin", anchor="origin", tables=[
            Table("by_origin", "Work items created and time logged in the period, by origin "
                               "and kind", [
                Column("origin", "Origin", TEXT), Column("kind", "Kind", TEXT),
                Column("proactive", "Type", TEXT, minor=True), Column("items", "Items"),
                Column("minutes", "Time logged", MINUTES)], total_rows,
                empty="No work item was created and no time was logged in this period.")],
            chart=Chart("bar", week_labels, [
                {"label": "Reactive items", "data": per_week(lambda k: not is_proactive(k),
                                                             "items"), "stack": "items",
                 "color": colors.REACTIVE},
                {"label": "Proactive items", "data": per_week(is_proactive, "items"),
                 "stack": "items", "color": colors.PROACTIVE},
            ], stacked=True, title="Work items created per week")),
        Section("Per week", anchor="weekly", tables=[
            Table("weekly", "Work items and time logged per week, origin and kind", [
                Column("week", "Week of", DATE), Column("origin", "Origin", TEXT),
                Column("kind", "Kind", TEXT), Column("items", "Items"),
                Column("minutes", "Time logged", MINUTES)], weekly_rows,
                empty="No work item was created and no time was logged in this period.")],
            chart=Chart("bar", week_labels, [
                {"label": "Reactive hours",
                 "data": [round(m / 60, 1) for m in per_week(lambda k: not is_proactive(k),
                                                             "minutes")],
                 "color": colors.REACTIVE},
                {"label": "Proactive hours", "color": colors.PROACTIVE,
                 "data": [round(m / 60, 1) for m in per_week(is_proactive, "minutes")]},
            ], unit="h", stacked=True, title="Hours logged per week")),
        Section("Incidents before and after preventive plans", anchor="plans",
                intro=(f"For each service with maintenance plans: incidents in the "
                       f"{WINDOW_DAYS} days before its first planned work item was due, and "
                       f"in up to {WINDOW_DAYS} days from then, per 30 days. Independent of "
                       "the period chosen above."),
                tables=[Table("plans_effect", "Incidents per service before and after plans",
                              [Column("service", "Service", TEXT),
                               Column("plans", "Plans", INT, minor=True),
                               Column("started", "First work due", DATE),
                               Column("before", "Incidents before", minor=True),
                               Column("after", "Incidents after", minor=True),
                               Column("before_rate", "Before, per 30 d", FLOAT),
                               Column("after_rate", "After, per 30 d", FLOAT),
                               Column("change", "Change", PERCENT)], before_after,
                              empty="No service has a maintenance plan with work due yet.")],
                chart=Chart("bar", [r["service"] for r in before_after], [
                    {"label": "Before, per 30 days", "color": colors.BEFORE,
                     "data": [r["before_rate"] for r in before_after]},
                    {"label": "After, per 30 days", "color": colors.AFTER,
                     "data": [r["after_rate"] for r in before_after]},
                ]) if before_after else None),
    ]
    return report


def plans_effect(filters, now) -> list[dict]:
    """Incidents per service in the WINDOW_DAYS before and after its first plan work."""
    from maintenance.models import Occurrence

    services = Service.objects.filter(
        maintenance_plans__occurrences__status=Occurrence.Status.GENERATED,
        maintenance_plans__occurrences__due_at__lte=now)
    if filters.service is not None:
        services = services.filter(pk=filters.service.pk)
    starts = list(services.order_by().values("pk", "name").annotate(
        started=Min("maintenance_plans__occurrences__due_at"),
        plans=Count("maintenance_plans", distinct=True)).order_by("-started")[:MAX_SERVICES])
    if not starts:
        return []
    window = timedelta(days=WINDOW_DAYS)
    spans = {s["pk"]: (s["started"] - window, s["started"], min(s["started"] + window, now))
             for s in starts}
    # One range per service, each an index-only scan of ticket_incident_service, in one
    # statement (an OR of the ranges would read every incident of every window's heap).
    per_service = [
        Ticket.objects.filter(filters.q(), kind=Kind.INCIDENT, service_id=pk, created_at__gte=a,
                              created_at__lt=c).order_by()
        .annotate(of=Value(pk, output_field=IntegerField())).values("of")
        .annotate(before=Count("pk", filter=Q(created_at__lt=b)),
                  after=Count("pk", filter=Q(created_at__gte=b)))
        for pk, (a, b, c) in spans.items()]
    first, *others = per_service
    counts = {row["of"]: row for row in first.union(*others, all=True)}
    rows = []
    for s in sorted(starts, key=lambda s: s["name"]):
        _a, started, until = spans[s["pk"]]
        after_days = max((until - started).total_seconds() / 86400, 0)
        found = counts.get(s["pk"], {})
        before, after = found.get("before", 0), found.get("after", 0)
        before_rate = before * 30 / WINDOW_DAYS
        after_rate = after * 30 / after_days if after_days >= 1 else None
        change = (round(100 * (after_rate - before_rate) / before_rate, 1)
                  if before_rate and after_rate is not None else None)
        rows.append({"service": s["name"], "plans": s["plans"],
                     "started": timezone.localtime(started).date(), "before": before,
                     "after": after, "before_rate": round(before_rate, 2),
                     "after_rate": None if after_rate is None else round(after_rate, 2),
                     "change": change})
    return rows


def needs() -> headline.Needs:
    return headline.Needs(aggregates={headline.CREATED: {
        "work_items": "created",
        "work_proactive": Sum("created", filter=~Q(kind__in=REACTIVE_KINDS))}})


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    def share(span):
        return pct(found.get(headline.CREATED, span, "work_proactive"),
                   found.get(headline.CREATED, span, "work_items"))

    trend = [pct(p, n) for p, n in zip(found.series(headline.CREATED, "work_proactive"),
                                       found.series(headline.CREATED, "work_items"),
                                       strict=True)]
    return [Figure("proactive_share", "Proactive share of work items", share(headline.NOW),
                   PERCENT, better="up", previous=share(headline.BEFORE),
                   series=found.observed(trend))]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
