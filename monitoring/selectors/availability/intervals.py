"""Availability as exact time intervals, in Python: the day bars, and figures off PostgreSQL.

Each check's state changes become sorted, disjoint (start, end) intervals of down,
monitored and planned time; services are unions of their checks' intervals. The board
and the status page split these into days (`per_day`); on databases without range
types `collect` and `totals` turn them into the same figures postgres.py computes in SQL.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from itsm.models import Asset
from maintenance import selectors as maintenance_selectors
from monitoring.models import MONITORED, Check, CheckStateChange, State
from monitoring.selectors.availability.figures import Downtime, Outage, Span, rank

Interval = tuple[datetime, datetime]


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
        if state == State.DOWN:
            down.append((since, at))
        if state in MONITORED:
            monitored.append((since, at))
        if to_state == State.DOWN and state != State.DOWN:
            outages += 1
        state, since = to_state, at
    if state == State.DOWN:
        down.append((since, end))
    if state in MONITORED:
        monitored.append((since, end))
    return union(down), union(monitored), outages


def window_index(keys, start: datetime, end: datetime) -> dict[tuple, list[Interval]]:
    """(service id, asset id) -> maintenance intervals in [start, end), in one call.

    A key is covered by a window that lists its service, its asset or its asset's
    service (the maintenance app's rule, which windows_overlapping applies too).
    """
    keys = set(keys)
    service_ids = sorted({s for s, _a in keys if s})
    asset_ids = sorted({a for _s, a in keys if a})
    found = {key: [] for key in keys}
    if not service_ids and not asset_ids:
        return found
    windows = maintenance_selectors.windows_overlapping(
        service_ids=service_ids, asset_ids=asset_ids, start=start, end=end)
    if not windows:
        return found
    asset_service = dict(Asset.objects.filter(pk__in=asset_ids).values_list("pk", "service_id"))
    for window in windows:
        span = (max(window.starts_at, start), min(window.ends_at, end))
        services = {s.pk for s in window.services.all()}
        assets = {a.pk for a in window.assets.all()}
        for sid, aid in keys:
            if sid in services or (aid and (aid in assets or asset_service.get(aid) in services)):
                found[(sid, aid)].append(span)
    return {key: union(spans) for key, spans in found.items()}


def _select(*, check_ids=None, service_ids=None, service_id=None, team_id=None):
    checks = Check.objects.all()
    if check_ids is not None:
        checks = checks.filter(pk__in=list(check_ids))
    if service_ids is not None:
        checks = checks.filter(service_id__in=list(service_ids))
    if service_id is not None:
        checks = checks.filter(service_id=service_id)
    if team_id is not None:
        checks = checks.filter(team_id=team_id)
    return checks


def _timelines(start, end, checks) -> dict[int, dict]:
    """Per check: its service, asset and down/monitored intervals over [start, end).

    The state at `start` is read backwards from the present: the `from_state` of the
    first change after `start`, or the check's current state if nothing changed since.
    So the query reads changes from `start` on (few: states change rarely) and never
    looks up a state before the range check by check.
    """
    info = {pk: {"current": state, "service": sid, "asset": aid, "changes": []}
            for pk, state, sid, aid in checks.values_list("pk", "state", "service_id",
                                                         "asset_id")}
    rows = (CheckStateChange.objects.filter(owner__in=checks, at__gte=start)
            .order_by("owner_id", "at", "id")
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


def _windows(info: dict, start, end) -> dict[tuple, list[Interval]]:
    """Maintenance intervals for every (service, asset) whose check or service was down:
    one call to the maintenance app for the checks and their services together."""
    down_services = {i["service"] for i in info.values() if i["down"] and i["service"]}
    return window_index({(i["service"], i["asset"]) for i in info.values()
                         if i["down"] or i["service"] in down_services}, start, end)


def _with_planned(info: dict, windows: dict) -> dict[int, dict]:
    for item in info.values():
        spans = windows.get((item["service"], item["asset"]), [])
        item["planned"] = intersect(item["down"], spans) if item["down"] else []
    return info


def check_timelines(check_ids, start: datetime, end: datetime) -> dict[int, dict]:
    """Per check: down, monitored and planned (maintenance) intervals, and outages begun."""
    info = _timelines(start, end, _select(check_ids=check_ids))
    return _with_planned(info, _windows(info, start, end))


def _services(info: dict, windows: dict) -> dict[int, dict]:
    """Per service of these checks: down while any is down, monitored while any is."""
    by_service = defaultdict(list)
    for item in info.values():
        if item["service"] is not None:
            by_service[item["service"]].append(item)
    found = {}
    for sid, items in by_service.items():
        down = union([i for item in items for i in item["down"]])
        spans = union([i for (s, _a), w in windows.items() if s == sid for i in w])
        found[sid] = {"down": down, "outages": len(down),
                      "monitored": union([i for item in items for i in item["monitored"]]),
                      "planned": intersect(down, spans) if down else []}
    return found


def service_timelines(service_ids, start: datetime, end: datetime) -> dict[int, dict]:
    """Per service: down, monitored and planned intervals (empty for one without checks)."""
    info = _timelines(start, end, _select(service_ids=service_ids))
    found = _services(info, _windows(info, start, end))
    empty = {"down": [], "monitored": [], "planned": [], "outages": 0}
    return {sid: found.get(sid, empty) for sid in service_ids}


def _read(start, end, which) -> tuple[dict, dict]:
    info = _timelines(start, end, _select(**which))
    windows = _windows(info, start, end)
    return _with_planned(info, windows), _services(info, windows)


def _seconds(intervals: list[Interval]) -> float:
    return length(intervals).total_seconds()


def _span(item: dict, began: int) -> Span:
    return Span(_seconds(item["monitored"]), _seconds(item["down"]), _seconds(item["planned"]),
                len(item["down"]), began)


def collect(start: datetime, end: datetime, *, longest: int, worst: int | None = None,
            **which) -> Downtime:
    """The figures of the checks `which` selects (see `_select`), or of the `worst` of
    them, their services' and the longest outages."""
    info, services = _read(start, end, which)
    outages = []
    for pk, item in info.items():
        for a, b in item["down"]:
            planned = _seconds(intersect([(a, b)], item["planned"]))
            outages.append(Outage(pk, a, b, planned, a == start))
    outages.sort(key=lambda o: (-(o.ended - o.started), o.started, o.check_id))
    checks = {pk: _span(item, item["outages"]) for pk, item in info.items()}
    total = len(checks)
    if worst is not None:
        names = dict(_select(**which).values_list("pk", "name"))
        chosen = sorted(checks, key=lambda pk: rank(checks[pk], names[pk], pk))[:worst]
        checks = {pk: checks[pk] for pk in chosen}
    return Downtime(checks,
                    {sid: _span(item, item["outages"]) for sid, item in services.items()},
                    outages[:longest], total)


def totals(parts: list[tuple[datetime, datetime]], **which) -> list[Span]:
    """All services of the selected checks together over each [start, end) of `parts`."""
    _info, services = _read(min(a for a, _b in parts), max(b for _a, b in parts), which)
    found = []
    for a, b in parts:
        part = Span()
        for item in services.values():
            part.monitored += _seconds(intersect(item["monitored"], [(a, b)]))
            part.down += _seconds(intersect(item["down"], [(a, b)]))
            part.planned += _seconds(intersect(item["planned"], [(a, b)]))
        found.append(part)
    return found


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
