"""What the capacity board and the agent set-up page read: series in ETA order with their
asset, service, team and open ticket in a fixed number of queries, and series gone quiet.

Words for people live here too (ETA ranges "in 9–12 days", growth "1.2 GB/day"), so the
board, the asset page and the report say the same thing the same way.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from capacity.models import FollowUp, Kind, Series, State, Unit

QUIET_AFTER = timedelta(minutes=15)
# fs_size is the capacity of an fs_used series, read with it; never a row of its own.
HIDDEN_KINDS = (Kind.FS_SIZE,)
STATE_BADGES = {State.LEARNING: "text-bg-secondary", State.OK: "text-bg-success",
                State.WARNING: "text-bg-warning", State.CRITICAL: "text-bg-danger",
                State.FULL: "text-bg-dark"}


@dataclass(frozen=True)
class BoardFilters:
    service: int | None = None
    team: int | None = None
    kind: str = ""
    state: str = ""

    @classmethod
    def from_params(cls, params) -> "BoardFilters":
        def number(key):
            value = params.get(key) or ""
            return int(value) if value.isdigit() else None
        kind = params.get("kind", "")
        state = params.get("state", "")
        return cls(service=number("service"), team=number("team"),
                   kind=kind if kind in Kind.values and kind not in HIDDEN_KINDS else "",
                   state=state if state in State.values else "")

    @property
    def active(self) -> bool:
        return bool(self.service or self.team or self.kind or self.state)


def open_follow_ups() -> Prefetch:
    return Prefetch("follow_ups", to_attr="open_follow_ups",
                    queryset=FollowUp.objects.filter(closed_at__isnull=True)
                    .select_related("ticket"))


def board_series(filters: BoardFilters | None = None) -> QuerySet[Series]:
    """Every shown series, earliest ETA first (no ETA last), with what a row prints."""
    filters = filters or BoardFilters()
    rows = (Series.objects.exclude(kind__in=HIDDEN_KINDS).filter(asset__is_active=True)
            .select_related("asset__service__owner_team").prefetch_related(open_follow_ups()))
    if filters.service:
        rows = rows.filter(asset__service_id=filters.service)
    if filters.team:
        rows = rows.filter(asset__service__owner_team_id=filters.team)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.state:
        rows = rows.filter(state=filters.state)
    return rows.order_by(F("eta_earliest").asc(nulls_last=True), "asset__name", "kind", "name")


def open_ticket(series: Series):
    """The series' open capacity ticket (prefetched by board_series), or None."""
    found = getattr(series, "open_follow_ups", None)
    if found is None:
        found = list(series.follow_ups.filter(closed_at__isnull=True).select_related("ticket"))
    return found[0].ticket if found else None


def quiet_series(*, now: datetime | None = None) -> QuerySet[Series]:
    """Push and scrape series with no sample for 15 minutes (or never), by asset."""
    now = now or timezone.now()
    return (Series.objects.filter(asset__is_active=True).exclude(source="prometheus")
            .filter(Q(last_at__isnull=True) | Q(last_at__lt=now - QUIET_AFTER))
            .select_related("asset").order_by("asset__name", "kind", "name"))


def _span(delta: timedelta) -> tuple[float, str]:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return hours, "h"
    return hours / 24, "days"


def eta_words(series: Series, *, now: datetime | None = None) -> str:
    """"in 9–12 days", "in 5 h", "now", "in 30+ days", or "" when there is no ETA."""
    now = now or timezone.now()
    if series.state == State.FULL:
        return "full now"
    early, late = series.eta_earliest, series.eta_latest or series.eta_likely
    if early is None:
        return ""
    if early <= now:
        return "now"
    low, unit = _span(early - now)
    if late is None:
        return f"in {round(low)}+ {unit}"
    high = (late - now).total_seconds() / 3600 / (24 if unit == "days" else 1)
    low, high = round(low), max(round(high), round(low))
    if low == high:
        return f"in {low} {unit}"
    return f"in {low}–{high} {unit}"


_BYTE_UNITS = (("TB", 1024 ** 4), ("GB", 1024 ** 3), ("MB", 1024 ** 2), ("kB", 1024))


def _bytes(value: float, per: str = "") -> str:
    for name, size in _BYTE_UNITS:
        if abs(value) >= size:
            return f"{value / size:,.1f} {name}{per}"
    return f"{value:,.0f} B{per}"


def amount(value: float | None, unit: str) -> str:
    """A value as people read it: 412.3 GB, 85.2 %, 1.2 MB/s, 3.40."""
    if value is None:
        return "—"
    if unit == Unit.BYTES:
        return _bytes(value)
    if unit == Unit.BYTES_PER_SECOND:
        return _bytes(value, "/s")
    if unit == Unit.PERCENT:
        return f"{value:,.1f} %"
    if unit == Unit.RATIO:
        return f"{value * 100:,.1f} %"
    return f"{value:,.2f}"


def growth_words(slope: float | None, unit: str) -> str:
    """Units per day: "+1.2 GB/day", "+0.4 %/day", "−3.0 MB/day", "—"."""
    if slope is None:
        return "—"
    sign = "+" if slope >= 0 else "−"
    size = abs(slope)
    if unit in (Unit.BYTES, Unit.BYTES_PER_SECOND):
        text = _bytes(size)
    elif unit == Unit.PERCENT:
        text = f"{size:,.2f} %"
    elif unit == Unit.RATIO:
        text = f"{size * 100:,.2f} %"
    else:
        text = f"{size:,.2f}"
    return f"{sign}{text}/day"


def row(series: Series, *, now: datetime) -> dict:
    """What one board row shows."""
    threshold = series.threshold_value if series.threshold_value is not None \
        else series.threshold
    return {"series": series, "asset": series.asset, "ticket": open_ticket(series),
            "badge": STATE_BADGES.get(series.state, "text-bg-secondary"),
            "eta": eta_words(series, now=now), "growth": growth_words(series.slope, series.unit),
            "last": amount(series.last_value, series.unit),
            "threshold": amount(threshold, series.unit),
            "used": (round(100 * series.last_value / threshold) if threshold and
                     series.last_value is not None else None)}
