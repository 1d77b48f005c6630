"""Reads with rules for proactive maintenance. Monitoring calls `window_covering`.

A window covers a service if it lists it, and an asset if it lists the asset or the
asset's service.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from itsm.models import Asset, Service, User
from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence
from tickets.models import OPEN_STATUSES, Status, Ticket

BANNER_DAYS = 7
INGEST_PERMISSION = "maintenance.ingest_inventory"
COMPLIANCE_DAYS = 365


def _covering(service_ids, asset_ids) -> Q:
    service_ids = [pk for pk in service_ids if pk]
    asset_ids = [pk for pk in asset_ids if pk]
    through_services = MaintenanceWindow.services.through.objects.filter(
        maintenancewindow_id=OuterRef("pk"))
    through_assets = MaintenanceWindow.assets.through.objects.filter(
        maintenancewindow_id=OuterRef("pk"))
    condition = Q(pk__in=[])
    if service_ids:
        condition |= Exists(through_services.filter(service_id__in=service_ids))
    if asset_ids:
        asset_services = Asset.objects.filter(pk__in=asset_ids, service__isnull=False)
        condition |= Exists(through_assets.filter(asset_id__in=asset_ids))
        condition |= Exists(through_services.filter(
            service_id__in=asset_services.values("service_id")))
    return condition


def window_covering(*, service_id: int | None, asset_id: int | None,
                    at: datetime) -> MaintenanceWindow | None:
    """The maintenance window open at `at` that covers this service or asset, or None."""
    if not service_id and not asset_id:
        return None
    return (MaintenanceWindow.objects.open_at(at)
            .filter(_covering([service_id], [asset_id]))
            .order_by("starts_at", "pk").first())


def windows_overlapping(*, service_ids, asset_ids, start: datetime,
                        end: datetime) -> list[MaintenanceWindow]:
    """Windows that overlap [start, end) for any of these services or assets."""
    service_ids, asset_ids = list(service_ids or []), list(asset_ids or [])
    if not service_ids and not asset_ids:
        return []
    return list(MaintenanceWindow.objects.overlapping(start, end)
                .filter(_covering(service_ids, asset_ids))
                .prefetch_related("services", "assets").order_by("starts_at", "pk"))


def windows_for_users(service_ids: list[int] | None, *, now: datetime,
                      days: int = BANNER_DAYS) -> QuerySet[MaintenanceWindow]:
    """Open and upcoming windows (next `days`), for these services or all when None."""
    windows = MaintenanceWindow.objects.overlapping(now, now + timedelta(days=days))
    if service_ids is not None:
        windows = windows.filter(_covering(service_ids, []) | Exists(
            MaintenanceWindow.assets.through.objects.filter(
                maintenancewindow_id=OuterRef("pk"), asset__service_id__in=service_ids)))
    return windows.prefetch_related("services", "assets__service").order_by("starts_at", "pk")


def user_service_ids(user: User) -> list[int] | None:
    """The services a user uses: those of their tickets; None (all) when they have none."""
    ids = list(Ticket.objects.filter(requester=user, service__isnull=False)
               .order_by().values_list("service_id", flat=True).distinct()[:200])
    return ids or None


def banner_windows(user: User, *, now: datetime | None = None) -> list[MaintenanceWindow]:
    """Current and upcoming windows an end user should hear about, soonest first."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    # Every page shows the banner; most of the time there is no window at all: one query.
    if not MaintenanceWindow.objects.overlapping(now, now + timedelta(days=BANNER_DAYS)).exists():
        return []
    ids = None if user.sees_all_tickets else user_service_ids(user)
    return list(windows_for_users(ids, now=now)[:5])


def window_services(window: MaintenanceWindow) -> list[Service]:
    """What users recognise: the window's services and its assets' services."""
    seen = {s.pk: s for s in window.services.all()}
    for asset in window.assets.all():
        if asset.service_id and asset.service_id not in seen:
            seen[asset.service_id] = asset.service
    return sorted(seen.values(), key=lambda s: s.name)


# Plans -----------------------------------------------------------------------------------

class Outcome:
    """How an occurrence turned out. See ON_TIME_DEFINITION."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    OPEN = "open"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    MOVED = "moved"
    LABELS = {ON_TIME: "On time", LATE: "Late", OVERDUE: "Overdue", OPEN: "Open",
              CANCELLED: "Cancelled", SKIPPED: "Skipped", MOVED: "Moved"}
    BADGES = {ON_TIME: "text-bg-success", LATE: "text-bg-warning", OVERDUE: "text-bg-danger",
              OPEN: "text-bg-info", CANCELLED: "text-bg-secondary",
              SKIPPED: "text-bg-light border", MOVED: "text-bg-light border"}


ON_TIME_DEFINITION = (
    "On time: the work item was resolved no later than its due time plus the plan's "
    "expected duration. Late: resolved after that. Overdue: still open after that. "
    "Compliance = on time ÷ (on time + late + overdue + cancelled) over the last 12 months; "
    "skipped occurrences (each with a reason on record) are left out.")


def _deadline():
    return F("due_at") + F("plan__expected_duration")


def annotate_outcome(occurrences: QuerySet[Occurrence], now: datetime) -> QuerySet[Occurrence]:
    """Adds `outcome` (an Outcome value), computed in SQL so lists and counts agree."""
    generated = Q(status=Occurrence.Status.GENERATED)
    resolved = Q(ticket__resolved_at__isnull=False)
    return occurrences.alias(deadline=_deadline()).annotate(outcome=Case(
        When(status=Occurrence.Status.SKIPPED, then=Value(Outcome.SKIPPED)),
        When(status=Occurrence.Status.MOVED, then=Value(Outcome.MOVED)),
        When(generated & Q(ticket__isnull=True), then=Value(Outcome.CANCELLED)),
        When(generated & Q(ticket__status=Status.CANCELLED), then=Value(Outcome.CANCELLED)),
        When(generated & resolved & Q(ticket__resolved_at__lte=F("deadline")),
             then=Value(Outcome.ON_TIME)),
        When(generated & resolved, then=Value(Outcome.LATE)),
        When(generated & Q(deadline__lt=now), then=Value(Outcome.OVERDUE)),
        default=Value(Outcome.OPEN)))


def compliance_counts(plan_ids=None, *, now: datetime | None = None) -> dict[int, dict]:
    """Per plan: counts of each outcome over the last 12 months and the compliance %."""
    now = now or timezone.now()
    rows = Occurrence.objects.filter(due_at__gte=now - timedelta(days=COMPLIANCE_DAYS),
                                     due_at__lte=now)
    if plan_ids is not None:
        rows = rows.filter(plan_id__in=list(plan_ids))
    rows = annotate_outcome(rows, now).values("plan_id", "outcome").annotate(n=Count("pk"))
    result: dict[int, dict] = {}
    for row in rows.order_by():
        result.setdefault(row["plan_id"], {})[row["outcome"]] = row["n"]
    for counts in result.values():
        counts["percent"] = compliance_percent(counts)
    return result


def compliance_percent(counts: dict) -> float | None:
    counted = sum(counts.get(k, 0) for k in (Outcome.ON_TIME, Outcome.LATE, Outcome.OVERDUE,
                                             Outcome.CANCELLED))
    return round(100 * counts.get(Outcome.ON_TIME, 0) / counted, 1) if counted else None


def plans_for_list(*, team_id=None, kind=None, active=None, q="") -> QuerySet[MaintenancePlan]:
    plans = (MaintenancePlan.objects.select_related("team", "assignee")
             .prefetch_related("services", "assets").order_by("title", "pk"))
    if team_id:
        plans = plans.filter(team_id=team_id)
    if kind:
        plans = plans.filter(kind=kind)
    if active is not None:
        plans = plans.filter(is_active=active)
    if q:
        plans = plans.filter(title__icontains=q)
    return plans


@dataclass
class Upcoming:
    """One upcoming moment of a plan, with its row when it was skipped, moved or generated."""

    scheduled_for: datetime
    due_at: datetime
    occurrence: Occurrence | None = None

    @property
    def status(self) -> str:
        return self.occurrence.status if self.occurrence else "planned"


def plan_upcoming(plan: MaintenancePlan, *, now: datetime, count: int = 10) -> list[Upcoming]:
    """The next `count` moments: rule moments after now, and moved ones now due later."""
    moments = plan.schedule().preview(now, count) if plan.is_active else []
    rows = {o.scheduled_for: o for o in plan.occurrences.select_related("ticket").filter(
        Q(scheduled_for__in=moments) | Q(due_at__gt=now, status=Occurrence.Status.MOVED)
        | Q(due_at__gt=now, status=Occurrence.Status.GENERATED))}
    items = {m: Upcoming(m, m, rows.get(m)) for m in moments}
    for moment, row in rows.items():
        items[moment] = Upcoming(moment, row.due_at, row)
    ordered = sorted(items.values(), key=lambda u: (u.due_at, u.scheduled_for))
    return ordered[:count]


def plan_history(plan: MaintenancePlan, *, now: datetime) -> QuerySet[Occurrence]:
    """Occurrences that are due or done: newest first, with their outcome."""
    rows = (plan.occurrences.select_related("ticket", "changed_by", "plan")
            .filter(Q(due_at__lte=now) | Q(ticket__status__in=[Status.RESOLVED, Status.CLOSED]))
            .order_by("-due_at", "-pk"))
    return annotate_outcome(rows, now)


# Calendar --------------------------------------------------------------------------------

@dataclass
class PlannedItem:
    at: datetime
    plan: MaintenancePlan | None
    title: str
    status: str  # planned / generated / moved / skipped / window
    ticket: Ticket | None = None
    window: MaintenanceWindow | None = None
    ends_at: datetime | None = None
    overdue: bool = False


def planned_work(*, start: datetime, end: datetime, team_id: int | None = None,
                 mine: User | None = None, now: datetime | None = None) -> list[PlannedItem]:
    """Everything planned in [start, end): rule moments of active plans, recorded
    occurrences (generated, moved, skipped) and maintenance windows, by time."""
    now = now or timezone.now()
    plans = MaintenancePlan.objects.filter(is_active=True, next_occurrence_at__lt=end).only(
        "pk", "title", "rrule", "starts_on", "at_time", "time_zone", "next_occurrence_at",
        "expected_duration")
    rows = (Occurrence.objects.select_related("plan", "ticket", "ticket__assignee")
            .filter(due_at__gte=start, due_at__lt=end))
    moved_away = Occurrence.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end)
    if team_id:
        plans = plans.filter(team_id=team_id)
        rows = rows.filter(plan__team_id=team_id)
        moved_away = moved_away.filter(plan__team_id=team_id)
    if mine is not None:
        plans = plans.filter(assignee=mine)
        rows = rows.filter(Q(ticket__assignee=mine) | Q(ticket__isnull=True, plan__assignee=mine))
        moved_away = moved_away.filter(plan__assignee=mine)
    recorded = {(o.plan_id, o.scheduled_for) for o in moved_away.only("plan_id", "scheduled_for")}
    items = [PlannedItem(
        at=row.due_at, plan=row.plan, title=row.plan.title, status=row.status,
        ticket=row.ticket, ends_at=row.due_at + row.plan.expected_duration,
        overdue=bool(row.ticket and row.ticket.status in OPEN_STATUSES
                     and row.due_at + row.plan.expected_duration < now)) for row in rows]
    # Rule moments not recorded yet: computed from each plan's rule, from its next moment.
    for plan in plans:
        after = max(start, plan.next_occurrence_at)
        moments = plan.schedule().occurrences(after, until=end, inclusive=True, limit=200)
        items.extend(PlannedItem(at=moment, plan=plan, title=plan.title, status="planned",
                                 ends_at=moment + plan.expected_duration)
                     for moment in moments
                     if moment < end and (plan.pk, moment) not in recorded)
    if mine is None:
        windows = MaintenanceWindow.objects.overlapping(start, end).select_related(
            "ticket").prefetch_related("services", "assets")
        items += [PlannedItem(at=w.starts_at, plan=None, title=w.reason, status="window",
                              window=w, ends_at=w.ends_at) for w in windows]
    items.sort(key=lambda i: (i.at, i.title))
    return items


def occurrence_for_ticket(ticket: Ticket) -> Occurrence | None:
    return (Occurrence.objects.select_related("plan").filter(ticket=ticket).first())


def user_can_ingest(user: User) -> bool:
    """May this account report inventories and import CSV files?"""
    return bool(user and user.is_authenticated and user.is_active
                and user.has_perm(INGEST_PERMISSION))
