"""Reads with rules for monitoring: the board, a check's page, the status page, availability.

Every widget is one query for all the checks on the page, never one per check. The
24-hour bars and sparklines come from hourly rollups aggregated in SQL; the 90-day bars
and uptime figures from state changes (exact downtime, maintenance shown apart), which
stay small however many results there are.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

import maintenance.selectors as maintenance_selectors
from monitoring import chart_data
from monitoring.models import Check, CheckRollup, Kind, State
from monitoring.selectors import availability
from monitoring.selectors.availability import Availability, check_availability, service_availability
from monitoring.slots import hour_of
from tickets.models import OPEN_STATUSES, Source, Ticket

__all__ = ["Availability", "check_availability", "service_availability"]

STATE_ORDER = [State.DOWN, State.PENDING, State.DEGRADED, State.UP, State.UNKNOWN,
               State.PAUSED]


def board_checks(*, q: str = "", states=(), kinds=(), team: int | None = None,
                 service: int | None = None) -> QuerySet[Check]:
    checks = Check.objects.select_related("service", "team", "open_incident__ticket").defer(
        "recent_changes")
    if states:
        checks = checks.filter(state__in=states)
    if kinds:
        checks = checks.filter(kind__in=kinds)
    if team:
        checks = checks.filter(team_id=team)
    if service:
        checks = checks.filter(service_id=service)
    for word in (q or "").split()[:6]:
        checks = checks.filter(Q(name__icontains=word) | Q(target__icontains=word))
    return checks.order_by("name", "pk")


def state_counts() -> dict[str, int]:
    counts = dict(Check.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return {state: counts.get(state, 0) for state in STATE_ORDER}


def hourly(check_ids: list[int], *, hours: int = 24, now=None) -> dict[int, dict]:
    """Per check: the last `hours` hours as bar segments, and mean latencies for a sparkline."""
    now = now or timezone.now()
    first = hour_of(now) - timedelta(hours=hours - 1)
    slots = [first + timedelta(hours=i) for i in range(hours)]
    found = defaultdict(dict)
    rows = (CheckRollup.objects.filter(owner_id__in=check_ids, hour__gte=first)
            .values_list("owner_id", "hour", "count", "failures", "degraded", "latency_sum",
                         "latency_count"))
    for owner_id, hour, count, failures, degraded, lat_sum, lat_n in rows:
        found[owner_id][hour] = (count, failures, degraded, lat_sum / lat_n if lat_n else None)
    out = {}
    for pk in check_ids:
        mine = found.get(pk, {})
        segments, latencies = [], []
        for hour in slots:
            count, failures, degraded, latency = mine.get(hour, (0, 0, 0, None))
            segments.append(chart_data.Segment(f"{hour:%H:00}", count, failures, degraded))
            latencies.append(latency)
        uptime, summary = chart_data.hours_summary(segments)
        out[pk] = {"bar": chart_data.bar(segments), "spark": chart_data.sparkline(latencies),
                   "uptime": uptime, "summary": summary,
                   "latest": next((v for v in reversed(latencies) if v is not None), None)}
    return out


def _days(now, days: int):
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days - 1), [today - timedelta(days=days - 1 - i)
                                             for i in range(days)]


def daily(check_ids: list[int], *, days: int = 90, now=None) -> dict[int, dict]:
    """Per check: the last `days` days as bar segments and the availability over them,
    exact from state changes (maintenance shown apart)."""
    now = now or timezone.now()
    first, day_list = _days(now, days)
    timelines = availability.check_timelines(check_ids, first, now)
    labels = _labels(day_list)
    return {pk: _day_bar(timelines[pk], day_list, labels, first, now) for pk in check_ids
            if pk in timelines}


def _labels(day_list) -> list[str]:
    return [f"{day:%a %-d %b}" for day in day_list]


def _day_bar(item: dict, day_list, labels, first, now) -> dict:
    segments = [chart_data.DaySegment(label, *seconds)
                for label, seconds in zip(labels, availability.per_day(item, day_list),
                                          strict=True)]
    found = availability.Availability(first, now, availability.length(item["monitored"]),
                                      availability.length(item["down"]),
                                      availability.length(item["planned"]), item["outages"])
    return {"bar": chart_data.bar(segments), "uptime": found.percent, "availability": found,
            "summary": chart_data.days_summary(len(day_list), found.percent, found.outages)}


def board_page(checks: list[Check], now=None) -> list[dict]:
    """The rows of one board page: three queries whatever the page size."""
    ids = [c.pk for c in checks]
    hours = hourly(ids, now=now)
    days = daily(ids, now=now)
    return [{"check": c, **hours[c.pk], "days": days[c.pk]} for c in checks]


# The check page.

def recent_results(check: Check, limit: int = 25):
    return check.results.order_by("-planned_at")[:limit]


def latency_points(check: Check, *, hours: int = 24, now=None):
    now = now or timezone.now()
    rows = (check.results.filter(planned_at__gte=now - timedelta(hours=hours))
            .order_by("planned_at").values_list("planned_at", "latency_ms", "outcome"))
    return chart_data.downsample(list(rows))


def state_changes(check: Check, limit: int = 50):
    return check.state_changes.order_by("-at", "-id")[:limit]


def check_incidents(check: Check, limit: int = 20):
    return check.incidents.select_related("ticket").order_by("-opened_at")[:limit]


# The status page.

def _service_state(down: int, degraded: int, pending: int, up: int) -> str:
    if down:
        return "outage"
    if degraded or pending:
        return "degraded"
    if up:
        return "operational"
    return "unknown"


def status_page(now=None) -> dict:
    now = now or timezone.now()
    rows = (Check.objects.filter(service__isnull=False, service__is_active=True)
            .exclude(kind=Kind.HEARTBEAT, paused=True).order_by()
            .values("service_id", "service__name")
            .annotate(down=Count("pk", filter=Q(state=State.DOWN)),
                      degraded=Count("pk", filter=Q(state=State.DEGRADED)),
                      pending=Count("pk", filter=Q(state=State.PENDING)),
                      up=Count("pk", filter=Q(state=State.UP))))
    services = sorted(rows, key=lambda r: r["service__name"])
    ids = [r["service_id"] for r in services]
    first, day_list = _days(now, 90)
    timelines = availability.service_timelines(ids, first, now)
    maintenance_now = _maintenance_now(ids, now)
    labels = _labels(day_list)
    for row in services:
        sid = row["service_id"]
        row["state"] = ("maintenance" if sid in maintenance_now and row["down"]
                        else _service_state(row["down"], row["degraded"], row["pending"],
                                            row["up"]))
        day = _day_bar(timelines[sid], day_list, labels, first, now)
        row["bar"], row["uptime"], row["summary"] = day["bar"], day["uptime"], day["summary"]
    incidents = (Ticket.objects.filter(source=Source.MONITORING, status__in=OPEN_STATUSES,
                                       kind="incident", service_id__in=ids)
                 .select_related("service").order_by("-created_at")
                 .only("title", "created_at", "service__name")[:20])
    return {"services": services, "incidents": list(incidents),
            "maintenance": upcoming_maintenance(ids, now),
            "overall": _overall(services)}


def _overall(services: list[dict]) -> str:
    states = {s["state"] for s in services}
    for state in ("outage", "degraded", "maintenance"):
        if state in states:
            return state
    return "operational" if services else "unknown"


def _maintenance_now(service_ids, now) -> set[int]:
    """Services inside a maintenance window right now (one call to the maintenance app)."""
    spans = availability.window_index({(sid, None) for sid in service_ids}, now,
                                      now + timedelta(seconds=1))
    return {sid for (sid, _aid), found in spans.items() if found}


def upcoming_maintenance(service_ids, now) -> list[dict]:
    """Open and planned maintenance windows (of every service: the status page is for
    everyone), soonest first, from the maintenance app."""
    windows = maintenance_selectors.windows_for_users(None, now=now)[:20]
    return [{"title": w.reason or str(w), "starts_at": w.starts_at, "ends_at": w.ends_at,
             "services": ", ".join(s.name for s in maintenance_selectors.window_services(w))}
            for w in windows]
