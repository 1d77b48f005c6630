"""Response and resolution times (MTTA and MTTR) of the tickets resolved in the period.

Two clocks: business time (what the SLA clock used: working hours of the policy's
calendar, pauses not counted; only tickets with an SLA target) and wall-clock time
(first_response_at or resolved_at minus created_at, every ticket). Mean, median and 90th
percentile, computed by the database (percentile_cont on Postgres).
"""

from django.db.models import Q

from reports.figures import common, headline
from reports.sql import Stats, duration_stats, elapsed, used
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

METRICS = {
    "mtta_wall": (elapsed("first_response_at", "created_at"),
                  Q(first_response_at__isnull=False)),
    "mtta_business": (used("response_used"),
                      Q(first_response_at__isnull=False, response_target__isnull=False)),
    "mttr_wall": (elapsed("resolved_at", "created_at"), Q(resolved_at__isnull=False)),
    "mttr_business": (used("resolution_used"), Q(resolution_target__isnull=False)),
}


def _columns(clock: str, group: Column) -> list[Column]:
    return [
        group,
        Column(f"{clock}_wall_count", "Tickets", INT),
        Column(f"{clock}_wall_mean", "Mean", SECONDS, minor=True),
        Column(f"{clock}_wall_median", "Median", SECONDS),
        Column(f"{clock}_wall_p90", "90th pct", SECONDS),
        Column(f"{clock}_business_count", "With SLA", INT, minor=True),
        Column(f"{clock}_business_mean", "Business mean", BUSINESS, minor=True),
        Column(f"{clock}_business_median", "Business median", BUSINESS),
        Column(f"{clock}_business_p90", "Business 90th pct", BUSINESS, minor=True),
    ]


def _flatten(stats: dict[str, Stats]) -> dict:
    row = {}
    for name, found in stats.items():
        row[f"{name}_count"] = found.count
        row[f"{name}_mean"] = found.mean
        row[f"{name}_median"] = found.median
        row[f"{name}_p90"] = found.p90
    return row


def build(period, filters, *, limit=None, now=None) -> Report:
    resolved = common.resolved_between(filters, period.start, period.end)
    overall = _flatten(duration_stats(resolved, None, METRICS)[None])
    by_priority = duration_stats(resolved, "priority", METRICS)
    by_team = duration_stats(resolved, "team__name", METRICS)

    priority_rows = [{"priority": common.priority_label(p), **_flatten(by_priority[p])}
                     for p in sorted(by_priority)]
    team_rows = sorted(({"team": t or common.NO_TEAM, **_flatten(s)}
                        for t, s in by_team.items()), key=lambda r: r["team"])

    report = Report("times", TITLE, period, filters, summary=[
        Figure("mtta_median", "Time to first response (median)", overall["mtta_wall_median"],
               SECONDS, better="down", hint=f"{overall['mtta_wall_count']} tickets"),
        Figure("mtta_business_median", "First response, business time (median)",
               overall["mtta_business_median"], BUSINESS, better="down"),
        Figure("mttr_median", "Time to resolve (median)", overall["mttr_wall_median"],
               SECONDS, better="down", hint=f"{overall['mttr_wall_count']} tickets"),
        Figure("mttr_business_median", "Resolution, business time (median)",
               overall["mttr_business_median"], BUSINESS, better="down"),
        Figure("mttr_p90", "Time to resolve (90th percentile)", overall["mttr_wall_p90"],
               SECONDS, better="down"),
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
        "times_mtta": METRICS["mtta_wall"], "times_mttr": METRICS["mttr_wall"]}})


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    def median(name, span):
        return found.stats(headline.RESOLVED, span, name).median

    def trend(name):
        return found.observed([s.median for s in found.stats_series(headline.RESOLVED, name)])

    now_, before = headline.NOW, headline.BEFORE
    return [
        Figure("mtta_median", "Time to first response (median)", median("times_mtta", now_),
               SECONDS, better="down", previous=median("times_mtta", before),
               series=trend("times_mtta")),
        Figure("mttr_median", "Time to resolve (median)", median("times_mttr", now_), SECONDS,
               better="down", previous=median("times_mttr", before),
               series=trend("times_mttr")),
    ]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
