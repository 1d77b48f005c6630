"""Response and resolution times (MTTA and MTTR) of the tickets resolved in the period.

Two clocks: business time (what the SLA clock used: working hours of the policy's
calendar, pauses not counted; only tickets with an SLA target) and wall-clock time
(first_response_at or resolved_at minus created_at, every ticket). Count and mean are
exact (the day facts' counts and sums); median and 90th percentile come from the duration
histograms, within 1 % (marked approximate).
"""

from itsm.models import Team
from reports import facts as f
from reports.figures import common, headline
from reports.sql import Stats
from reports.tables import (
    BUSINESS,
    INT,
    SECONDS,
    TEXT,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Table,
)

TITLE = "Response and resolution times"

METRICS = {"mtta_wall": f.Metric.RESPONSE_WALL, "mtta_business": f.Metric.RESPONSE_BUSINESS,
           "mttr_wall": f.Metric.RESOLUTION_WALL,
           "mttr_business": f.Metric.RESOLUTION_BUSINESS}
APPROXIMATE = ("median", "p90")


def _columns(clock: str, group: Column) -> list[Column]:
    return [
        group,
        Column(f"{clock}_wall_count", "Tickets", INT),
        Column(f"{clock}_wall_mean", "Mean", SECONDS, minor=True),
        Column(f"{clock}_wall_median", "Median", SECONDS, approximate=True),
        Column(f"{clock}_wall_p90", "90th pct", SECONDS, approximate=True),
        Column(f"{clock}_business_count", "With SLA", INT, minor=True),
        Column(f"{clock}_business_mean", "Business mean", BUSINESS, minor=True),
        Column(f"{clock}_business_median", "Business median", BUSINESS, approximate=True),
        Column(f"{clock}_business_p90", "Business 90th pct", BUSINESS, minor=True,
               approximate=True),
    ]


def _flatten(stats: dict[str, Stats]) -> dict:
    row = {}
    for name, found in stats.items():
        row[f"{name}_count"] = found.count
        row[f"{name}_mean"] = found.mean
        row[f"{name}_median"] = found.median
        row[f"{name}_p90"] = found.p90
    return row


def _raw(period, filters) -> dict[str, dict]:
    """{"priority" | "team_id": {group value: (summed day-fact row, {metric: {bucket: n}})}}
    of the tickets resolved in the period: two statements, the day facts' counts and sums
    and the histogram buckets, each grouped by priority and team at once (a year's
    histogram is read once, not once per table) and added up per priority and per team."""
    metrics = list(METRICS.values())
    both = ["priority", "team_id"]
    days = f.rows(f.DAY, filters, period.first_day, period.last_day)
    counts = f.histograms(f.span(f.HISTOGRAM, filters, period.first_day, period.last_day,
                                 group=both), both, metrics)
    found: dict = {group: {} for group in both}
    for row in f.sums(days, both, f.duration_measures(metrics)):
        for group in both:
            into_row, into_counts = found[group].setdefault(row[group], ({}, {}))
            for name, value in row.items():
                if name not in both:
                    into_row[name] = into_row.get(name, 0) + value
            for metric, buckets in counts.get((row["priority"], row["team_id"]), {}).items():
                f.add_counts(into_counts.setdefault(metric, {}), buckets)
    return {group: {key: value for key, value in rows.items()
                    if value[0]["resolution_wall_n"]} for group, rows in found.items()}


def _stats(row: dict, counts: dict) -> dict[str, Stats]:
    return {name: f.metric_stats(row, counts, metric) for name, metric in METRICS.items()}


def _pooled(raw: dict) -> dict[str, Stats]:
    """The whole period's Stats: every group's counts, sums and buckets added up."""
    row: dict = {}
    counts: dict = {}
    for group_row, group_counts in raw.values():
        for name, value in group_row.items():
            if name.endswith(("_n", "_us")):
                row[name] = row.get(name, 0) + value
        for metric, buckets in group_counts.items():
            f.add_counts(counts.setdefault(metric, {}), buckets)
    return _stats(row, counts)


def build(period, filters, *, limit=None, now=None) -> Report:
    raw = _raw(period, filters)
    overall = _flatten(_pooled(raw["priority"]))
    by_priority = {p: _stats(*found) for p, found in raw["priority"].items()}
    by_team = {t: _stats(*found) for t, found in raw["team_id"].items()}
    team_names = dict(Team.objects.filter(pk__in=[t for t in by_team if t])
                      .values_list("pk", "name"))

    priority_rows = [{"priority": common.priority_label(p), **_flatten(by_priority[p])}
                     for p in sorted(by_priority)]
    team_rows = sorted(({"team": team_names.get(t) or common.NO_TEAM, **_flatten(s)}
                        for t, s in by_team.items()), key=lambda r: r["team"])

    report = Report("times", TITLE, period, filters, summary=[
        Figure("mtta_median", "Time to first response (median)", overall["mtta_wall_median"],
               SECONDS, better="down", hint=f"{overall['mtta_wall_count']} tickets",
               approximate=True),
        Figure("mtta_business_median", "First response, business time (median)",
               overall["mtta_business_median"], BUSINESS, better="down", approximate=True),
        Figure("mttr_median", "Time to resolve (median)", overall["mttr_wall_median"],
               SECONDS, better="down", hint=f"{overall['mttr_wall_count']} tickets",
               approximate=True),
        Figure("mttr_business_median", "Resolution, business time (median)",
               overall["mttr_business_median"], BUSINESS, better="down", approximate=True),
        Figure("mttr_p90", "Time to resolve (90th percentile)", overall["mttr_wall_p90"],
               SECONDS, better="down", approximate=True),
    ])
    empty = "No ticket was resolved in this period."
    report.sections = [
        Section("Time to first response (MTTA)", anchor="mtta", tables=[
            Table("mtta_by_priority", "Time to first response by priority",
                  _columns("mtta", Column("priority", "Priority", TEXT)), priority_rows,
                  empty=empty),
            Table("mtta_by_team", "Time to first response by team",
                  _columns("mtta", Column("team", "Team", TEXT)), team_rows, empty=empty),
        ], chart=_chart("mtta", priority_rows)),
        Section("Time to resolve (MTTR)", anchor="mttr", tables=[
            Table("mttr_by_priority", "Time to resolve by priority",
                  _columns("mttr", Column("priority", "Priority", TEXT)), priority_rows,
                  empty=empty),
            Table("mttr_by_team", "Time to resolve by team",
                  _columns("mttr", Column("team", "Team", TEXT)), team_rows, empty=empty),
        ], chart=_chart("mttr", priority_rows)),
    ]
    return report


def _hours(value):
    return None if value is None else round(value / 3600, 2)


def _chart(clock: str, rows: list[dict]) -> Chart | None:
    if not rows:
        return None
    return Chart("bar", [r["priority"] for r in rows], [
        {"label": "Median", "data": [_hours(r[f"{clock}_wall_median"]) for r in rows]},
        {"label": "90th percentile", "data": [_hours(r[f"{clock}_wall_p90"]) for r in rows]},
        {"label": "Business median",
         "data": [_hours(r[f"{clock}_business_median"]) for r in rows]},
    ], unit="h", title="Hours, by priority")


def needs() -> headline.Needs:
    return headline.Needs(durations={headline.RESOLVED: {
        "times_mtta": f.Metric.RESPONSE_WALL, "times_mttr": f.Metric.RESOLUTION_WALL}})


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    def median(name, span):
        return found.stats(headline.RESOLVED, span, name).median

    def trend(name):
        return found.observed([s.median for s in found.stats_series(headline.RESOLVED, name)])

    now_, before = headline.NOW, headline.BEFORE
    return [
        Figure("mtta_median", "Time to first response (median)", median("times_mtta", now_),
               SECONDS, better="down", previous=median("times_mtta", before),
               series=trend("times_mtta"), approximate=True),
        Figure("mttr_median", "Time to resolve (median)", median("times_mttr", now_), SECONDS,
               better="down", previous=median("times_mttr", before),
               series=trend("times_mttr"), approximate=True),
    ]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
