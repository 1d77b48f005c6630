"""Availability and downtime per service and per check, from monitoring's state changes.

monitoring.selectors.availability turns the state changes into down, monitored and planned
time (planned = down inside a maintenance window covering the check's service or asset).
Here those become the figures:
  uptime       = 1 − unplanned down ÷ monitored time
  outages      = down stretches overlapping the period (one already going on at the
                 start counts; one still going on at the end counts)
  MTTR         = down time ÷ outages (mean time to recover)
  MTBF         = (monitored − down) ÷ outages (mean time between failures)
A service is down while any of its checks is down.
"""


from django.utils import timezone

from itsm.models import Service
from monitoring.models import Check
from monitoring.selectors.availability import Span, downtime, downtime_parts, rank
from reports import buckets
from reports.figures import colors, common
from reports.tables import (
    DATETIME,
    INT,
    MINUTES,
    PERCENT,
    SECONDS,
    TEXT,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Table,
)

TITLE = "Availability and downtime"
LONGEST = 20


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def uptime(span: Span) -> float | None:
    """Percent of monitored time not down unplanned; None if nothing was monitored."""
    if not span.monitored:
        return None
    return round(100 * (1 - span.unplanned / span.monitored), 3)


def figures(span: Span) -> dict:
    """The row of one check or service."""
    up = span.monitored - span.down
    return {
        "monitored": _minutes(span.monitored), "down": _minutes(span.down),
        "planned": _minutes(span.planned), "unplanned": _minutes(span.unplanned),
        "uptime": uptime(span), "outages": span.outages,
        "mttr": span.down / span.outages if span.outages else None,
        "mtbf": up / span.outages if span.outages else None,
    }


def _ids(filters) -> dict:
    return {"service_id": filters.service.pk if filters.service else None,
            "team_id": filters.team.pk if filters.team else None}


FIGURE_COLUMNS = [
    Column("uptime", "Uptime", PERCENT),
    Column("unplanned", "Unplanned down", MINUTES),
    Column("planned", "Planned down", MINUTES, minor=True),
    Column("outages", "Outages", INT),
    Column("mttr", "MTTR", SECONDS, minor=True),
    Column("mtbf", "MTBF", SECONDS, minor=True),
    Column("monitored", "Monitored", MINUTES, minor=True),
]


def build(period, filters, *, limit: int | None = 50, now=None) -> Report:
    now = now or timezone.now()
    start, end = period.start, period.until(now)
    ids = _ids(filters)
    # Worst uptime first; only the rows shown are read (an estate has thousands).
    found = downtime(start, end, longest=LONGEST, worst=limit, **ids)
    # All of them (an export) are selected as downtime chose them, not by thousands of ids.
    checks = (Check.objects.filter(**{k: v for k, v in ids.items() if v is not None})
              if limit is None else
              Check.objects.filter(pk__in={*found.checks, *(o.check_id for o in found.outages)}))
    names = {pk: (name, service_id)
             for pk, name, service_id in checks.values_list("pk", "name", "service_id")}
    ranked = sorted(found.checks, key=lambda pk: rank(found.checks[pk], names[pk][0], pk))
    truncated = found.total > len(ranked)
    shown = {names[pk][1] for pk in ranked} | {names[o.check_id][1] for o in found.outages}
    services = dict(Service.objects.filter(pk__in={*found.services, *shown} - {None})
                    .values_list("pk", "name"))

    def service(pk):
        return services[names[pk][1]] if names[pk][1] else common.NO_SERVICE

    service_rows = sorted(({"service": services.get(sid, "?"), **figures(span)}
                           for sid, span in found.services.items()),
                          key=lambda r: (r["uptime"] is None, r["uptime"] or 0, r["service"]))
    check_rows = [{"check": names[pk][0], "service": service(pk), **figures(found.checks[pk])}
                  for pk in ranked]
    outage_rows = [{
        "check": names[o.check_id][0], "service": service(o.check_id),
        "started": o.started, "ended": o.ended,
        "duration": (o.ended - o.started).total_seconds(), "planned": _minutes(o.planned),
        "note": "; ".join(n for n, yes in (("down before the period began", o.began_before),
                                          ("still down at its end", o.ended >= end)) if yes),
    } for o in found.outages]

    total = Span(sum(s.monitored for s in found.services.values()),
                 sum(s.down for s in found.services.values()),
                 sum(s.planned for s in found.services.values()),
                 sum(s.outages for s in found.services.values()))
    report = Report("availability", TITLE, period, filters, summary=[
        Figure("uptime", "Service availability", uptime(total), PERCENT, better="up",
               hint="planned downtime not counted"),
        Figure("unplanned", "Unplanned downtime", _minutes(total.unplanned), MINUTES,
               better="down", hint="all services"),
        Figure("planned", "Planned downtime", _minutes(total.planned), MINUTES,
               hint="inside maintenance windows"),
        Figure("outages", "Service outages", total.outages, better="down"),
    ])
    if filters.kind or filters.priority:
        report.notes.append("Kind and priority filters do not apply to availability.")
    report.sections = [
        Section("By service", anchor="services", tables=[
            Table("services", "Availability by service",
                  [Column("service", "Service", TEXT), *FIGURE_COLUMNS], service_rows,
                  empty="No service has a check, or nothing was monitored in this period.")],
            chart=Chart("bar", [r["service"] for r in service_rows], [
                {"label": "Unplanned", "data": [r["unplanned"] for r in service_rows],
                 "stack": "down", "color": colors.BAD},
                {"label": "Planned", "data": [r["planned"] for r in service_rows],
                 "stack": "down", "color": colors.NEUTRAL}], stacked=True, horizontal=True,
                title="Downtime in minutes") if service_rows else None),
        Section("By check", anchor="checks", intro="Worst uptime first.", tables=[
            Table("checks", "Availability by check",
                  [Column("check", "Check", TEXT), Column("service", "Service", TEXT,
                                                          minor=True), *FIGURE_COLUMNS],
                  check_rows, truncated=truncated,
                  empty="No check, or nothing was monitored in this period.")]),
        Section("Longest outages", anchor="outages", tables=[
            Table("outages", f"The {LONGEST} longest outages", [
                Column("check", "Check", TEXT), Column("service", "Service", TEXT, minor=True),
                Column("started", "Down from", DATETIME), Column("ended", "Until", DATETIME),
                Column("duration", "Duration", SECONDS),
                Column("planned", "Of which planned", MINUTES, minor=True),
                Column("note", "Note", TEXT, minor=True)], outage_rows,
                empty="No outage in this period.")]),
    ]
    return report


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    """Service availability in both periods and in each bucket of this one, from one read
    of the state changes."""
    now = now or timezone.now()
    until = current.until(now)
    trend = buckets.of(current)
    before, after, *parts = downtime_parts(
        [(previous.start, current.start), (current.start, until),
         *[(min(bucket.start, until), min(bucket.end, until)) for bucket in trend]],
        **_ids(filters))
    return [Figure("uptime", "Service availability", uptime(after), PERCENT, better="up",
                   previous=uptime(before),
                   series=buckets.observed([uptime(p) for p in parts], trend, now)),
            Figure("unplanned", "Unplanned downtime", _minutes(after.unplanned), MINUTES,
                   better="down", previous=_minutes(before.unplanned),
                   series=buckets.observed([_minutes(p.unplanned) for p in parts], trend,
                                           now))]
