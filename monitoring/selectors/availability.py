"""Availability for any date range, exact from state changes, planned and unplanned apart.

A check is *down* while its state is down; *monitored* while its state is up, degraded,
pending or down (not while paused, unknown, or before it existed). Down time inside a
maintenance window of the check's service or asset is planned; the rest is unplanned.
Availability = 1 - unplanned down / monitored.

A service is down while any of its checks is down, and monitored while any is monitored.
Reports call `check_availability` and `service_availability` (via monitoring.selectors).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from maintenance import selectors as maintenance_selectors
from monitoring.models import Check, CheckStateChange

MONITORED = {"up", "degraded", "pending", "down"}
Interval = tuple[datetime, datetime]


@dataclass
class Availability:
    start: datetime
    end: datetime
    monitored: timedelta
    down: timedelta
    planned_down: timedelta
    outages: int

    @property
    def unplanned_down(self) -> timedelta:
        return self.down - self.planned_down

    @property
    def ratio(self) -> float | None:
        """1 - unplanned down / monitored; None without any monitored time."""
        if not self.monitored:
            return None
        return max(0.0, 1 - self.unplanned_down / self.monitored)

    @property
    def ratio_including_planned(self) -> float | None:
        if not self.monitored:
            return None
        return max(0.0, 1 - self.down / self.monitored)

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else round(self.ratio * 100, 3)

    def as_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end,
            "monitored_seconds": self.monitored.total_seconds(),
            "down_seconds": self.down.total_seconds(),
            "planned_down_seconds": self.planned_down.total_seconds(),
            "unplanned_down_seconds": self.unplanned_down.total_seconds(),
            "outages": self.outages,
            "availability": self.ratio,
            "availability_including_planned": self.ratio_including_planned,
        }


def union(intervals: list[Interval]) -> list[Interval]:
    merged: list[list] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def length(intervals: list[Interval]) -> timedelta:
    return sum((e - s for s, e in intervals), timedelta(0))


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out, i, j = [], 0, 0
    a, b = union(a), union(b)
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def timeline(initial: str | None, changes: list[tuple[str, datetime]], start: datetime,
             end: datetime) -> tuple[list[Interval], list[Interval], int]:
    """(down intervals, monitored intervals, outages begun) over [start, end)."""
    down, monitored, outages = [], [], 0
    state, since = initial, start
    for to_state, at in changes:
        at = min(max(at, start), end)
        if state == "down":
            down.append((since, at))
        if state in MONITORED:
            monitored.append((since, at))
        if to_state == "down" and state != "down":
            outages += 1
        state, since = to_state, at
    if state == "down":
        down.append((since, end))
    if state in MONITORED:
        monitored.append((since, end))
    return union(down), union(monitored), outages


def _covered(window) -> tuple[set | None, set]:
    """(service ids, asset ids) a window lists; None when it does not say (covers all)."""
    services, assets = getattr(window, "services", None), getattr(window, "assets", None)
    if not hasattr(services, "all"):
        return None, set()
    return ({s.pk for s in services.all()},
            {a.pk for a in assets.all()} if hasattr(assets, "all") else set())


def window_index(keys, start: datetime, end: datetime) -> dict[tuple, list[Interval]]:
    """(service id, asset id) -> maintenance intervals in [start, end), in one call.

    A key is covered by a window that lists its service or its asset; the maintenance
    app's windows_overlapping has already picked the windows for any of them.
    """
    keys = set(keys)
    service_ids = sorted({s for s, _a in keys if s})
    asset_ids = sorted({a for _s, a in keys if a})
    found = {key: [] for key in keys}
    if not service_ids and not asset_ids:
        return found
    windows = maintenance_selectors.windows_overlapping(
        service_ids=service_ids, asset_ids=asset_ids, start=start, end=end)
    for window in windows:
        span = (max(window.starts_at, start), min(window.ends_at, end))
        services, assets = _covered(window)
        for sid, aid in keys:
            if services is None or sid in services or (aid and aid in assets):
                found[(sid, aid)].append(span)
    return {key: union(spans) for key, spans in found.items()}


def _timelines(start, end, *, check_ids=None, service_ids=None) -> dict[int, dict]:
    """Per check: its service, asset and down/monitored intervals over [start, end).

    The state at `start` is read backwards from the present: the `from_state` of the
    first change after `start`, or the check's current state if nothing changed since.
    So the query reads changes from `start` on (few: states change rarely) and never
    looks up a state before the range check by check.
    """
    if check_ids is not None:
        checks = Check.objects.filter(pk__in=list(check_ids))
        changes = CheckStateChange.objects.filter(owner_id__in=list(check_ids))
    else:
        checks = Check.objects.filter(service_id__in=list(service_ids))
        changes = CheckStateChange.objects.filter(owner__service_id__in=list(service_ids))
    info = {pk: {"current": state, "service": sid, "asset": aid, "changes": []}
            for pk, state, sid, aid in checks.values_list("pk", "state", "service_id",
                                                         "asset_id")}
    rows = (changes.filter(at__gte=start).order_by("owner_id", "at", "id")
            .values_list("owner_id", "from_state", "to_state", "at"))
    for owner_id, from_state, to_state, at in rows:
        item = info.get(owner_id)
        if item is None:
            continue
        if not item["changes"]:
            item["initial"] = from_state or None
        item["changes"].append((to_state, at))
    for item in info.values():
        initial = item.pop("initial", item["current"]) if item["changes"] else item["current"]
        inside = [(state, at) for state, at in item["changes"] if at < end]
        item["down"], item["monitored"], item["outages"] = timeline(initial, inside, start, end)
    return info


def check_timelines(check_ids, start: datetime, end: datetime) -> dict[int, dict]:
    """Per check: down, monitored and planned (maintenance) intervals, and outages."""
    info = _timelines(start, end, check_ids=check_ids)
    windows = window_index({(i["service"], i["asset"]) for i in info.values() if i["down"]},
                           start, end)
    for item in info.values():
        spans = windows.get((item["service"], item["asset"]), [])
        item["planned"] = intersect(item["down"], spans) if item["down"] else []
    return info


def _availability(item: dict, start: datetime, end: datetime) -> Availability:
    return Availability(start, end, length(item["monitored"]), length(item["down"]),
                        length(item["planned"]), item["outages"])


def check_availability(check_ids, start: datetime, end: datetime) -> dict[int, Availability]:
    """Availability of each check over [start, end)."""
    return {pk: _availability(item, start, end)
            for pk, item in check_timelines(check_ids, start, end).items()}


def service_timelines(service_ids, start: datetime, end: datetime) -> dict[int, dict]:
    """Per service: down while any of its checks is down, monitored while any is."""
    info = _timelines(start, end, service_ids=service_ids)
    by_service = defaultdict(list)
    for pk, item in info.items():
        by_service[item["service"]].append(pk)
    downs = {sid: union([i for pk in pks for i in info[pk]["down"]])
             for sid, pks in by_service.items()}
    windows = window_index({(sid, info[pk]["asset"]) for sid, pks in by_service.items()
                            if downs[sid] for pk in pks}, start, end)
    result = {}
    for service_id in service_ids:
        items = [info[pk] for pk in by_service.get(service_id, []) if pk in info]
        down = downs.get(service_id, [])
        spans = union([i for (sid, _aid), found in windows.items() if sid == service_id
                       for i in found])
        result[service_id] = {
            "down": down, "monitored": union([i for item in items for i in item["monitored"]]),
            "planned": intersect(down, spans) if down else [], "outages": len(down)}
    return result


def service_availability(service_ids, start: datetime, end: datetime
                         ) -> dict[int, Availability]:
    """Availability of each service over [start, end): down while any of its checks is."""
    return {sid: _availability(item, start, end)
            for sid, item in service_timelines(service_ids, start, end).items()}


def per_day(item: dict, days: list[datetime]) -> list[tuple[float, float, float]]:
    """(monitored, down, planned) seconds for each of consecutive days starting at `days`.

    One pass over each (sorted, disjoint) interval list: a board page asks this for a
    hundred checks times ninety days.
    """
    one_day = timedelta(days=1)
    totals = [[0.0, 0.0, 0.0] for _ in days]
    if not days:
        return []
    first = days[0]
    for column, name in enumerate(("monitored", "down", "planned")):
        for start, end in item[name]:
            i = max(0, (start - first) // one_day)
            while i < len(days) and days[i] < end:
                overlap = (min(end, days[i] + one_day) - max(start, days[i])).total_seconds()
                if overlap > 0:
                    totals[i][column] += overlap
                i += 1
    return [tuple(row) for row in totals]
