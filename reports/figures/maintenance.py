"""Maintenance and patch compliance, from the maintenance app's own definitions.

Plans: the occurrences due in the period, by outcome (maintenance.selectors.Outcome:
on time, late, overdue, open, cancelled, skipped, moved) and compliance as the
maintenance pages compute it. Patches: overdue now, by severity and days overdue
(maintenance.compliance); the period does not apply to a current state.
"""

from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from maintenance import compliance as patch_compliance
from maintenance import selectors as maintenance_selectors
from maintenance.models import Advisory, MaintenancePlan, Occurrence, Severity
from reports import buckets
from reports.figures import colors, common
from reports.tables import INT, PERCENT, TEXT, Chart, Column, Figure, Report, Section, Table

TITLE = "Maintenance and patch compliance"
Outcome = maintenance_selectors.Outcome
SHOWN = (Outcome.ON_TIME, Outcome.LATE, Outcome.OVERDUE, Outcome.SKIPPED,
         Outcome.CANCELLED, Outcome.OPEN, Outcome.MOVED)


def occurrences(filters, start, end):
    rows = Occurrence.objects.filter(due_at__gte=start, due_at__lt=end)
    if filters.team is not None:
        rows = rows.filter(plan__team_id=filters.team.pk)
    if filters.service is not None:
        rows = rows.filter(plan_id__in=MaintenancePlan.services.through.objects.filter(
            service_id=filters.service.pk).values("maintenanceplan_id"))
    return rows


def _bucket(days: int) -> int:
    """The index of maintenance.compliance.AGE_BUCKETS holding `days` overdue."""
    for n, (_label, low, high) in enumerate(patch_compliance.AGE_BUCKETS):
        if days >= low and (high is None or days <= high):
            return n
    return 0


def overdue_by_severity(filters, today):
    """maintenance.compliance's table, narrowed to a service or team when asked."""
    if filters.service is None and filters.team is None:
        return patch_compliance.overdue_by_severity(today)
    patches = patch_compliance.overdue_patches(today)
    if filters.service is not None:
        patches = patches.filter(asset__service_id=filters.service.pk)
    if filters.team is not None:
        patches = patches.filter(asset__service__owner_team_id=filters.team.pk)
    severity_of = dict(Advisory.objects.values_list("pk", "severity"))
    table = {s: [0] * len(patch_compliance.AGE_BUCKETS) for s in Severity.values}
    for group in patches.values("advisory_id", "due_on").order_by().annotate(n=Count("*")):
        bucket = _bucket((today - group["due_on"]).days)
        table[severity_of[group["advisory_id"]]][bucket] += group["n"]
    return [{"severity": s, "label": Severity(s).label, "total": sum(table[s]),
             "buckets": table[s]} for s in Severity.values]


def build(period, filters, *, limit=None, now=None) -> Report:
    now = now or timezone.now()
    rows = list(maintenance_selectors.annotate_outcome(
        occurrences(filters, period.start, period.end), now).order_by()
        .values("plan_id", "plan__title", "plan__team__name", "outcome")
        .annotate(n=Count("pk")))
    plans: dict = defaultdict(lambda: defaultdict(int))
    titles = {}
    for row in rows:
        plans[row["plan_id"]][row["outcome"]] += row["n"]
        titles[row["plan_id"]] = (row["plan__title"], row["plan__team__name"] or common.NO_TEAM)
    totals: dict = defaultdict(int)
    for counts in plans.values():
        for outcome, n in counts.items():
            totals[outcome] += n
    plan_rows = [{"plan": titles[pk][0], "team": titles[pk][1],
                  **{o: plans[pk].get(o, 0) for o in SHOWN},
                  "compliance": maintenance_selectors.compliance_percent(plans[pk])}
                 for pk in sorted(plans, key=lambda pk: titles[pk][0].lower())]

    today = timezone.localdate(now)
    severities = overdue_by_severity(filters, today)
    buckets = [label for label, _low, _high in patch_compliance.AGE_BUCKETS]
    patch_rows = [{"severity": s["label"], "total": s["total"],
                   **{f"b{n}": count for n, count in enumerate(s["buckets"])}}
                  for s in severities]
    overdue_total = sum(s["total"] for s in severities)

    report = Report("maintenance", TITLE, period, filters, summary=[
        Figure("compliance", "Plans done on time", maintenance_selectors.compliance_percent(
            totals), PERCENT, better="up",
            hint=f"{totals[Outcome.ON_TIME]} on time, {totals[Outcome.LATE]} late, "
                 f"{totals[Outcome.OVERDUE]} overdue"),
        Figure("skipped", "Skipped", totals[Outcome.SKIPPED]),
        Figure("overdue_patches", "Overdue patches now", overdue_total, better="down"),
    ])
    if filters.kind or filters.priority:
        report.notes.append("Kind and priority filters do not apply to maintenance plans "
                            "and patches.")
    outcome_columns = [Column(o, Outcome.LABELS[o], INT, minor=o in (
        Outcome.CANCELLED, Outcome.OPEN, Outcome.MOVED)) for o in SHOWN]
    report.sections = [
        Section("Maintenance plans", anchor="plans",
                intro="Plan occurrences due in the period, by outcome.", tables=[
                    Table("plans", "Occurrences due in the period, by plan", [
                        Column("plan", "Plan", TEXT), Column("team", "Team", TEXT, minor=True),
                        *outcome_columns, Column("compliance", "On time", PERCENT)], plan_rows,
                        empty="No maintenance was due in this period.")],
                chart=Chart("bar", [Outcome.LABELS[o] for o in SHOWN], [
                    {"label": "Occurrences", "data": [totals.get(o, 0) for o in SHOWN],
                     "colors": [colors.OUTCOME[o] for o in SHOWN]}])
                if plan_rows else None),
        Section("Overdue patches", anchor="patches",
                intro=f"Patches past their deadline on {today:%-d %b %Y}, by severity and "
                      "days overdue.", tables=[
                    Table("patches", "Overdue patches by severity", [
                        Column("severity", "Severity", TEXT),
                        *[Column(f"b{n}", label, INT, minor=0 < n < len(buckets) - 1)
                          for n, label in enumerate(buckets)],
                        Column("total", "Total", INT)], patch_rows if overdue_total else [],
                        empty="No patch is overdue.")],
                chart=Chart("bar", [s["severity"] for s in patch_rows], [
                    {"label": label, "data": [r[f"b{n}"] for r in patch_rows],
                     "stack": "age", "color": colors.AGE[n % len(colors.AGE)]}
                    for n, label in enumerate(buckets)], stacked=True)
                if overdue_total else None),
    ]
    return report


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    now = now or timezone.now()
    trend = buckets.of(current)
    rows = maintenance_selectors.annotate_outcome(
        occurrences(filters, previous.start, current.end), now).annotate(
            slot=buckets.slot("due_at", current, trend)).order_by().values(
        "slot", "outcome").annotate(n=Count("pk"))
    slots: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        slots[row["slot"]][row["outcome"]] += row["n"]
    this_period: dict = defaultdict(int)
    for n in range(len(trend)):
        for outcome, count in slots[n].items():
            this_period[outcome] += count
    overdue = sum(s["total"] for s in overdue_by_severity(filters, timezone.localdate(now)))
    compliance = maintenance_selectors.compliance_percent
    return [
        Figure("compliance", "Maintenance done on time", compliance(this_period), PERCENT,
               better="up", previous=compliance(slots[buckets.BEFORE_SLOT]),
               series=buckets.observed([compliance(slots[n]) for n in range(len(trend))],
                                       trend, now)),
        Figure("overdue_patches", "Overdue patches now", overdue, better="down",
               hint="no trend: a current state"),
    ]
