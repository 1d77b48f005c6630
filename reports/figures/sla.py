"""SLA compliance: of the tickets resolved in the period, how many met their targets.

A target counts when its outcome is decided (`response_breached` / `resolution_breached`
is True or False): tickets without an SLA policy, or resolved without any public reply
(no first response), are left out of that target's share.
"""

from django.db.models import Q
from django.db.models.functions import TruncMonth

from itsm.models import Team
from reports import facts as f
from reports.figures import common, headline
from reports.tables import (
    BUSINESS,
    DATETIME,
    MONTH,
    PERCENT,
    REF,
    TEXT,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Table,
    cap,
    pct,
)

TITLE = "SLA compliance"

# The day facts' counts of resolved tickets' decided targets (tickets/models/facts.py).
COUNTS = {name: name for name in ("response_counted", "response_met", "resolution_counted",
                                  "resolution_met")}
SHARE_COLUMNS = [
    Column("response_counted", "Response: tickets", minor=True),
    Column("response_met", "Response: met", minor=True),
    Column("response_percent", "Response met", PERCENT),
    Column("resolution_counted", "Resolution: tickets", minor=True),
    Column("resolution_met", "Resolution: met", minor=True),
    Column("resolution_percent", "Resolution met", PERCENT),
]


def _shares(row: dict) -> dict:
    return {
        "response_counted": row["response_counted"], "response_met": row["response_met"],
        "response_percent": pct(row["response_met"], row["response_counted"]),
        "resolution_counted": row["resolution_counted"],
        "resolution_met": row["resolution_met"],
        "resolution_percent": pct(row["resolution_met"], row["resolution_counted"]),
    }


def _total(rows: list[dict]) -> dict:
    return {key: sum(r[key] for r in rows) for key in COUNTS}


def build(period, filters, *, limit: int | None = 100, now=None) -> Report:
    days = f.rows(f.DAY, filters, period.first_day, period.last_day)

    def grouped(queryset, group):
        # Only groups with a decided target, as the tickets "with an SLA" were.
        return [r for r in f.sums(queryset, [group], COUNTS)
                if r["response_counted"] or r["resolution_counted"]]

    by_priority = sorted(grouped(days, "priority"), key=lambda r: r["priority"])
    by_team = grouped(days, "team_id")
    names = dict(Team.objects.filter(pk__in=[r["team_id"] for r in by_team if r["team_id"]])
                 .values_list("pk", "name"))
    for row in by_team:
        row["team__name"] = names.get(row["team_id"])
    by_team.sort(key=lambda r: (r["team__name"] is None, r["team__name"] or ""))
    by_month = sorted(grouped(days.annotate(month=TruncMonth("day")), "month"),
                      key=lambda r: r["month"])
    resolved = common.resolved_between(filters, period.start, period.end)
    with_sla = resolved.filter(Q(response_breached__isnull=False)
                               | Q(resolution_breached__isnull=False))
    breaches = list(
        with_sla.filter(Q(response_breached=True) | Q(resolution_breached=True))
        .order_by("-resolved_at", "-pk")
        .values("kind", "number", "title", "priority", "team__name", "resolved_at",
                "response_breached", "resolution_breached", "response_used",
                "response_target", "resolution_used", "resolution_target")
        [: (limit + 1) if limit else None])
    breaches, truncated = cap(breaches, limit)

    total = _total(by_priority)
    shares = _shares(total)
    response_breaches = total["response_counted"] - total["response_met"]
    resolution_breaches = total["resolution_counted"] - total["resolution_met"]

    priority_rows = [{"priority": common.priority_label(r["priority"]), **_shares(r)}
                     for r in by_priority]
    team_rows = [{"team": r["team__name"] or common.NO_TEAM, **_shares(r)} for r in by_team]
    month_rows = [{"month": common.as_date(r["month"]), **_shares(r)} for r in by_month]
    breach_rows = [{
        "ref": common.ref(b["kind"], b["number"]),
        "ref_url": common.desk_url(b["kind"], b["number"]),
        "title": b["title"], "priority": common.priority_label(b["priority"]),
        "team": b["team__name"] or common.NO_TEAM, "resolved_at": b["resolved_at"],
        "missed": " and ".join(name for name, missed in (
            ("response", b["response_breached"]), ("resolution", b["resolution_breached"]))
            if missed),
        "response_used": common.seconds(b["response_used"]),
        "response_target": common.seconds(b["response_target"]),
        "resolution_used": common.seconds(b["resolution_used"]),
        "resolution_target": common.seconds(b["resolution_target"]),
    } for b in breaches]

    report = Report("sla", TITLE, period, filters, summary=[
        Figure("response_percent", "First response met", shares["response_percent"],
               PERCENT, better="up",
               hint=f"{total['response_met']} of {total['response_counted']} tickets"),
        Figure("resolution_percent", "Resolution met", shares["resolution_percent"],
               PERCENT, better="up",
               hint=f"{total['resolution_met']} of {total['resolution_counted']} tickets"),
        Figure("response_breaches", "Response breaches", response_breaches, better="down"),
        Figure("resolution_breaches", "Resolution breaches", resolution_breaches,
               better="down"),
    ])
    report.sections = [
        Section("By priority", anchor="priority", tables=[
            Table("by_priority", "SLA compliance by priority",
                  [Column("priority", "Priority", TEXT), *SHARE_COLUMNS], priority_rows,
                  empty="No ticket with an SLA was resolved in this period.")],
            chart=_chart([r["priority"] for r in priority_rows], priority_rows)),
        Section("By team", anchor="team", tables=[
            Table("by_team", "SLA compliance by team",
                  [Column("team", "Team", TEXT), *SHARE_COLUMNS], team_rows,
                  empty="No ticket with an SLA was resolved in this period.")],
            chart=_chart([r["team"] for r in team_rows], team_rows, horizontal=True)),
        Section("By month", anchor="month", tables=[
            Table("by_month", "SLA compliance by month of resolution",
                  [Column("month", "Month", MONTH), *SHARE_COLUMNS], month_rows,
                  empty="No ticket with an SLA was resolved in this period.")],
            chart=_chart([f"{r['month']:%b %Y}" for r in month_rows], month_rows,
                         kind="line") if len(month_rows) > 1 else None),
        Section("Breaches", anchor="breaches", tables=[
            Table("breaches", "Tickets resolved in the period that missed a target", [
                Column("ref", "Ticket", REF), Column("title", "Title", TEXT),
                Column("priority", "Priority", TEXT, minor=True),
                Column("team", "Team", TEXT, minor=True),
                Column("missed", "Missed", TEXT),
                Column("response_used", "Response used", BUSINESS, minor=True),
                Column("response_target", "Response target", BUSINESS, minor=True),
                Column("resolution_used", "Resolution used", BUSINESS, minor=True),
                Column("resolution_target", "Resolution target", BUSINESS, minor=True),
                Column("resolved_at", "Resolved", DATETIME),
            ], breach_rows, truncated=truncated, empty="No breach in this period.")]),
    ]
    return report


def _chart(labels, rows, *, kind="bar", horizontal=False) -> Chart | None:
    if not rows:
        return None
    return Chart(kind, labels, [
        {"label": "First response met", "data": [r["response_percent"] for r in rows]},
        {"label": "Resolution met", "data": [r["resolution_percent"] for r in rows]},
    ], unit="%", horizontal=horizontal)


def needs() -> headline.Needs:
    return headline.Needs(aggregates={headline.RESOLVED: {
        f"sla_{key}": key for key in COUNTS}})


def from_found(found: headline.Found, current, previous, filters, now) -> list[Figure]:
    def share(kind, span):
        return pct(found.get(headline.RESOLVED, span, f"sla_{kind}_met"),
                   found.get(headline.RESOLVED, span, f"sla_{kind}_counted"))

    def trend(kind):
        met = found.series(headline.RESOLVED, f"sla_{kind}_met")
        counted = found.series(headline.RESOLVED, f"sla_{kind}_counted")
        return found.observed([pct(m, c) for m, c in zip(met, counted, strict=True)])

    now_, before = headline.NOW, headline.BEFORE
    return [
        Figure("resolution_percent", "Resolution SLA met", share("resolution", now_),
               PERCENT, better="up", previous=share("resolution", before),
               series=trend("resolution")),
        Figure("response_percent", "First response SLA met", share("response", now_),
               PERCENT, better="up", previous=share("response", before),
               series=trend("response")),
    ]


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    found = headline.gather([needs()], filters, previous, current, now)
    return from_found(found, current, previous, filters, now)
