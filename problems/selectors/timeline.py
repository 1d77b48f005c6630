"""The root-cause timeline of a problem: its incidents, its own ticket events, and what
happened around the affected assets and services (monitoring state changes, maintenance,
windows, patches), merged and sorted by time. Also the five whys, in the order asked.

A fixed number of queries whatever the number of entries: one per source.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone

from maintenance.models import AssetPatchEvent, MaintenanceWindow, Occurrence
from monitoring.models import CheckStateChange
from problems.models import Problem
from tickets.models import Ticket, TicketEvent

LEAD = timedelta(days=7)
# The problem ticket's own events worth reading in a root-cause timeline.
PROBLEM_FIELDS = ("stage", "why", "workaround", "link", "problem")


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str | None = None
    source: str = ""


def _url(obj) -> str | None:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page's app is not installed
        return None


def _period(problem: Problem, incidents: list[Ticket], start, end):
    if start is None:
        first = min((t.created_at for t in incidents), default=problem.created_at)
        start = min(first, problem.created_at) - LEAD
    if end is None:
        end = problem.ticket.resolved_at or timezone.now()
    return start, end


def _incident_entries(incidents, start, end) -> list[Entry]:
    entries = []
    for ticket in incidents:
        if start <= ticket.created_at <= end:
            entries.append(Entry(ticket.created_at, "incident", f"{ticket.ref} opened",
                                 ticket.title, _url(ticket), "incidents"))
        if ticket.resolved_at and start <= ticket.resolved_at <= end:
            entries.append(Entry(ticket.resolved_at, "incident_resolved",
                                 f"{ticket.ref} resolved", ticket.title, _url(ticket),
                                 "incidents"))
    return entries


def _near(asset_ids, service_ids, *, asset="asset_id__in", service="service_id__in") -> Q:
    # An empty IN on both sides matches nothing, which is the right answer.
    return Q(**{asset: list(asset_ids)}) | Q(**{service: list(service_ids)})


def problem_timeline(problem: Problem, *, start: datetime | None = None,
                     end: datetime | None = None) -> list[Entry]:
    """Entries from (earliest linked incident − 7 days) to now or the problem's resolution."""
    problem = Problem.objects.select_related("ticket").get(pk=problem.pk)
    incidents = list(Ticket.objects.filter(problem_links__problem=problem)
                     .only("pk", "kind", "number", "title", "created_at", "resolved_at",
                           "asset_id", "service_id").order_by("pk"))
    start, end = _period(problem, incidents, start, end)
    assets = {t.asset_id for t in incidents if t.asset_id}
    services = {t.service_id for t in incidents if t.service_id}
    for model, pk in Problem.assets.through.objects.filter(problem=problem).values_list(
            "asset_id", "asset__service_id"):
        assets.add(model)
        if pk:
            services.add(pk)
    services |= set(problem.services.values_list("pk", flat=True))
    entries = _incident_entries(incidents, start, end)
    events = TicketEvent.objects.filter(ticket_id=problem.ticket_id, at__range=(start, end))
    for event in events.filter(Q(field__in=PROBLEM_FIELDS) | Q(action=TicketEvent.Action.STATUS)
                               | Q(action=TicketEvent.Action.CREATED)):
        title = event.message or f"{event.get_action_display()} {event.new_value}".strip()
        entries.append(Entry(event.at, event.field or event.action, title[:200],
                             event.new_value if event.field != "why" else "", None, "problem"))
    for change in (CheckStateChange.objects.filter(
            _near(assets, services, asset="owner__asset_id__in",
                  service="owner__service_id__in"), at__range=(start, end))
            .select_related("owner")):
        entries.append(Entry(change.at, "check", f"{change.owner.name}: "
                             f"{change.from_state or '—'} → {change.to_state}", change.reason,
                             _url(change.owner), "monitoring"))
    for occurrence in (Occurrence.objects.filter(
            _near(assets, services, asset="plan__assets__in", service="plan__services__in"),
            scheduled_for__range=(start, end)).select_related("plan", "ticket").distinct()):
        entries.append(Entry(occurrence.scheduled_for, "maintenance", occurrence.plan.title,
                             occurrence.get_status_display(), _url(occurrence.plan),
                             "maintenance"))
        done = occurrence.ticket.resolved_at if occurrence.ticket_id else None
        if done and start <= done <= end:
            entries.append(Entry(done, "maintenance_done", f"{occurrence.ticket.ref} done",
                                 occurrence.plan.title, _url(occurrence.ticket), "maintenance"))
    for window in (MaintenanceWindow.objects.filter(
            _near(assets, services, asset="assets__in", service="services__in"),
            starts_at__lte=end, ends_at__gte=start).distinct()):
        entries.append(Entry(window.starts_at, "window", f"Maintenance window: {window.reason}",
                             f"until {window.ends_at:%Y-%m-%d %H:%M}", _url(window),
                             "maintenance"))
    for event in (AssetPatchEvent.objects.filter(asset_id__in=list(assets),
                                                 at__range=(start, end))
                  .select_related("asset", "patch__advisory")):
        entries.append(Entry(event.at, "patch", f"{event.asset.name}: "
                             f"{event.patch.advisory.identifier} {event.new_state}", event.note,
                             None, "patches"))
    return sorted(entries, key=lambda entry: entry.at)


def five_whys(problem: Problem) -> list[dict]:
    """The whys asked on the problem, in order: number, why, answer, at."""
    events = (TicketEvent.objects.filter(ticket_id=problem.ticket_id, field="why",
                                         action=TicketEvent.Action.NOTICE).order_by("at", "pk"))
    return [{"number": n, "why": e.old_value, "answer": e.new_value, "at": e.at}
            for n, e in enumerate(events, start=1)]
