"""Capacity: whether forecasts turned into work before disks filled, per month.

Raised: capacity tickets (capacity.FollowUp) whose ticket was created in the month.
Acted on before the ETA: of those, the ones resolved (or closed) before the forecast's
likely ETA recorded on the follow-up and before the series reached its threshold.
Misses: each (series, month) in which a series reached its threshold, from the first
bucket whose peak is at or over the series' threshold (or, for series Tend keeps no
buckets of, a forecast saying "full"); a miss had "no ticket" open at that moment, or
its ticket "still open". Every count links to its records in the lists below.

Filters: a service or team narrows by the series' asset (its service and the service's
owner team); kind and priority do not apply.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone

from capacity.models import Bucket, FollowUp, Series, State
from reports import buckets
from reports.figures import colors
from reports.params import Period
from reports.tables import (
    DATETIME,
    INT,
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
from tickets.models import DONE_STATUSES, Status

TITLE = "Capacity"
NO_TICKET, STILL_OPEN = "no ticket", "ticket still open"
ACTED = (Status.RESOLVED, Status.CLOSED)


def months(period) -> list[buckets.Bucket]:
    """Calendar months of the period, the first and last possibly partial."""
    found, first = [], period.first_day
    while first <= period.last_day:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), period.last_day)
        found.append(buckets.Bucket(first, last, "month"))
        first = last + timedelta(days=1)
    return found


def _month_of(moment: datetime, slots: list[buckets.Bucket]) -> int | None:
    for n, b in enumerate(slots):
        if b.start <= moment < b.end:
            return n
    return None


def _series(filters):
    rows = Series.objects.all()
    if filters.service is not None:
        rows = rows.filter(asset__service_id=filters.service.pk)
    if filters.team is not None:
        rows = rows.filter(asset__service__owner_team_id=filters.team.pk)
    return rows


def _series_label(series: Series) -> str:
    return f"{series.get_kind_display()} {series.name}".strip()


@dataclass
class Miss:
    series: Series
    at: datetime
    reason: str
    ticket: object = None


def reached(filters, period, slots) -> list[tuple[int, datetime]]:
    """(series id, first moment at the threshold) per series and month of the period."""
    start, end = period.start, period.end
    found: dict[tuple[int, int], datetime] = {}
    rows = (Bucket.objects.filter(start__gte=start, start__lt=end,
                                  series__in=_series(filters),
                                  series__threshold_value__isnull=False,
                                  max__gte=F("series__threshold_value"))
            .annotate(month=buckets.slot("start", period, slots))
            .values("series_id", "month").order_by().annotate(first=Min("start")))
    for row in rows:
        if 0 <= row["month"] < len(slots):
            found[(row["series_id"], row["month"])] = row["first"]
    # Series read from a Prometheus keep no buckets: their forecast saying "full" counts.
    for pk, at in _series(filters).filter(state=State.FULL, forecast_at__gte=start,
                                          forecast_at__lt=end).values_list("pk", "forecast_at"):
        n = _month_of(at, slots)
        if n is not None and not any(k[0] == pk for k in found):
            found[(pk, n)] = at
    return sorted(((pk, at) for (pk, _n), at in found.items()), key=lambda r: (r[1], r[0]))


def misses(filters, period, slots) -> list[Miss]:
    hits = reached(filters, period, slots)
    ids = {pk for pk, _at in hits}
    series = {s.pk: s for s in Series.objects.filter(pk__in=ids).select_related("asset")}
    ups: dict[int, list[FollowUp]] = {}
    for up in FollowUp.objects.filter(series_id__in=ids).select_related("ticket"):
        ups.setdefault(up.series_id, []).append(up)
    found = []
    for pk, at in hits:
        open_then = [u for u in ups.get(pk, []) if u.opened_at <= at
                     and (u.closed_at is None or u.closed_at > at)
                     and not (u.ticket.resolved_at and u.ticket.resolved_at <= at)]
        ticket = open_then[0].ticket if open_then else None
        found.append(Miss(series[pk], at, STILL_OPEN if ticket else NO_TICKET, ticket))
    return found


def _acted(up: FollowUp) -> bool:
    ticket = up.ticket
    if ticket.status not in ACTED or ticket.resolved_at is None:
        return False
    return up.eta_likely is None or ticket.resolved_at < up.eta_likely


def raised(filters, start: datetime, end: datetime) -> list[FollowUp]:
    return list(FollowUp.objects.filter(ticket__created_at__gte=start, ticket__created_at__lt=end,
                                        series__in=_series(filters))
                .select_related("ticket", "series__asset").order_by("ticket__created_at", "pk"))


def _outcome(up: FollowUp, reached_at: datetime | None) -> str:
    if _acted(up) and (reached_at is None or up.ticket.resolved_at < reached_at):
        return "acted on before the ETA"
    if up.ticket.status in DONE_STATUSES:
        return "done late" if up.ticket.status in ACTED else "cancelled"
    return "open"


def _asset_url(series: Series) -> str:
    return reverse("capacity:asset", args=[series.asset_id])


def figures(period, filters):
    slots = months(period)
    ups = raised(filters, period.start, period.end)
    missed = misses(filters, period, slots)
    # A follow-up's series reaching its threshold after the ticket opened: not acted on.
    first_reach = {}
    for m in missed:
        first_reach.setdefault(m.series.pk, m.at)
    per = [{"from": b.first_day, "raised": 0, "acted": 0, "missed": 0, "no_ticket": 0,
            "still_open": 0} for b in slots]
    outcome = {}
    for up in ups:
        n = _month_of(up.ticket.created_at, slots)
        later = [m.at for m in missed if m.series.pk == up.series_id and m.at >= up.opened_at]
        outcome[up.pk] = _outcome(up, min(later) if later else None)
        if n is None:
            continue
        per[n]["raised"] += 1
        per[n]["acted"] += outcome[up.pk] == "acted on before the ETA"
    for m in missed:
        n = _month_of(m.at, slots)
        per[n]["missed"] += 1
        per[n]["no_ticket" if m.reason == NO_TICKET else "still_open"] += 1
    for row in per:
        row["acted_rate"] = pct(row["acted"], row["raised"])
    return slots, ups, outcome, missed, per


def build(period, filters, *, limit=None, now=None) -> Report:
    now = now or timezone.now()
    slots, ups, outcome, missed, per = figures(period, filters)
    total = {k: sum(r[k] for r in per) for k in ("raised", "acted", "missed", "no_ticket",
                                                  "still_open")}
    shown_ups, ups_cut = cap(ups, limit)
    shown_missed, missed_cut = cap(missed, limit)
    report = Report("capacity", TITLE, period, filters, summary=[
        Figure("raised", "Capacity tickets raised", total["raised"]),
        Figure("acted_rate", "Acted on before the ETA", pct(total["acted"], total["raised"]),
               PERCENT, better="up", hint=f"{total['acted']} of {total['raised']}"),
        Figure("missed", "Misses", total["missed"], better="down",
               hint=f"{total['no_ticket']} with no ticket, {total['still_open']} with the "
                    "ticket still open"),
    ])
    if filters.kind or filters.priority:
        report.notes.append("Kind and priority filters do not apply to capacity.")
    month_rows = [r for r, b in zip(per, slots, strict=True) if b.start <= now]
    report.sections = [
        Section("Per month", anchor="months", intro=(
            "Capacity tickets raised, acted on before the forecast's ETA, and series that "
            "reached their threshold (misses). The lists below hold each record."), tables=[
            Table("months", "Capacity tickets and misses per month", [
                Column("from", "Month", MONTH), Column("raised", "Raised"),
                Column("acted", "Acted on before the ETA"),
                Column("acted_rate", "Acted on", PERCENT, minor=True),
                Column("missed", "Misses"), Column("no_ticket", "With no ticket", INT, minor=True),
                Column("still_open", "Ticket still open", INT, minor=True)],
                month_rows if any(r["raised"] or r["missed"] for r in month_rows) else [],
                empty="No capacity ticket and no miss in this period.")],
            chart=Chart("bar", [b.label for b in slots[:len(month_rows)]], [
                {"label": "Acted on before the ETA", "data": [r["acted"] for r in month_rows],
                 "stack": "t", "color": colors.GOOD},
                {"label": "Other tickets raised", "data": [r["raised"] - r["acted"]
                                                           for r in month_rows],
                 "stack": "t", "color": "#90a4ae"},
                {"label": "Misses", "data": [r["missed"] for r in month_rows], "stack": "m",
                 "color": colors.BAD}], stacked=True) if month_rows else None),
        Section("Capacity tickets raised", anchor="raised", tables=[
            Table("raised", "Capacity tickets raised in the period", [
                Column("ref", "Ticket", REF), Column("asset", "Asset", TEXT),
                Column("series", "Series", TEXT, minor=True),
                Column("created", "Raised", DATETIME, minor=True),
                Column("eta", "Likely ETA then", DATETIME, minor=True),
                Column("resolved", "Resolved", DATETIME, minor=True),
                Column("outcome", "Outcome", TEXT)],
                [{"ref": up.ticket.ref, "ref_url": up.ticket.get_desk_url(),
                  "asset": up.series.asset.name, "asset_url": _asset_url(up.series),
                  "series": _series_label(up.series), "created": up.ticket.created_at,
                  "eta": up.eta_likely, "resolved": up.ticket.resolved_at,
                  "outcome": outcome[up.pk]} for up in shown_ups], truncated=ups_cut,
                empty="No capacity ticket was raised in this period.")]),
        Section("Misses", anchor="misses", intro=(
            "Series that reached their threshold: with no capacity ticket open then, or with "
            "its ticket still open."), tables=[
            Table("misses", "Series that reached their threshold", [
                Column("asset", "Asset", TEXT), Column("series", "Series", TEXT),
                Column("at", "Reached", DATETIME), Column("reason", "Why", TEXT),
                Column("ref", "Ticket", REF)],
                [{"asset": m.series.asset.name, "asset_url": _asset_url(m.series),
                  "series": _series_label(m.series), "at": m.at, "reason": m.reason,
                  "ref": m.ticket.ref if m.ticket else "",
                  "ref_url": m.ticket.get_desk_url() if m.ticket else ""}
                 for m in shown_missed], truncated=missed_cut,
                empty="No series reached its threshold in this period.")]),
    ]
    return report


def headline_figures(current, previous, filters, now=None) -> list[Figure]:
    """Misses this period and the one before: two queries, the dashboard asks every report."""
    both = Period(previous.first_day, current.last_day)
    halves = [buckets.Bucket(previous.first_day, previous.last_day, "month"),
              buckets.Bucket(current.first_day, current.last_day, "month")]
    counts = [0, 0]
    for _pk, at in reached(filters, both, halves):
        n = _month_of(at, halves)
        if n is not None:
            counts[n] += 1
    return [Figure("missed", "Capacity misses", counts[1], better="down", previous=counts[0],
                   hint="no trend: counted per period")]
