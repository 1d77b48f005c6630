"""Keeping the availability spans (monitoring.models.spans) equal to the state changes.

Whoever records state changes calls `spans_changed` in the same transaction, with the
earliest moment each check's history changed; changing a check's service or team, or
deleting it, calls `spans_rekey`. Both rework only what lies from that moment on: the
rows before it cannot change, the row running across it is cut there and glued back to
what follows. A service's rows are worked out from its checks' rows, under a lock per
service so two workers recording changes of the same service cannot interleave.
`spans_rebuild` recomputes everything from the changes (the management command
`rebuild_availability_spans`, and the migration that brought them).

Down stretches are sets of time: two that touch are one outage. The changes into down
from another state (outages begun, which a period counts where they fall) are kept with
the stretch holding them: `opened` for the one at its start, `extra` (µs since the epoch)
for any others; one with no down time around it is a row of no length.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.db import connection, transaction

from monitoring.models import (
    BEGINNING,
    FOREVER,
    MONITORED,
    Check,
    CheckSpan,
    CheckStateChange,
    ServiceSpan,
    State,
    micros,
)

LOCK = 0x5A7A  # pg_advisory_xact_lock(LOCK, service id): one writer of a service's rows


@dataclass
class Row:
    down: bool
    started: datetime
    ended: datetime
    opened: bool = False
    extra: list[int] = field(default_factory=list)


def _merge(rows: list[Row]) -> list[Row]:
    """Union of stretches of positive length (touching ones join), transitions carried."""
    merged: list[Row] = []
    for row in sorted(rows, key=lambda r: r.started):
        if row.ended <= row.started:
            continue
        if merged and row.started <= merged[-1].ended:
            last = merged[-1]
            last.ended = max(last.ended, row.ended)
            last.extra += ([micros(row.started)] if row.opened else []) + row.extra
        else:
            merged.append(Row(row.down, row.started, row.ended, row.opened, list(row.extra)))
    return merged


def _attach(downs: list[Row], transitions: Iterable[datetime]) -> list[Row]:
    """Give each change into down to the down stretch holding it (ends included), or to a
    row of no length of its own."""
    alone: dict[datetime, Row] = {}
    for at in transitions:
        home = next((r for r in downs if r.started <= at <= r.ended), None)
        if home is None:
            home = alone.setdefault(at, Row(True, at, at))
            if not home.opened:
                home.opened = True
                continue
        elif at == home.started and not home.opened:
            home.opened = True
            continue
        home.extra.append(micros(at))
    return sorted([*downs, *alone.values()], key=lambda r: (r.started, r.ended))


def replay(initial: str | None, changes: list[tuple[str, datetime]], since: datetime
           ) -> tuple[list[Row], list[Row], list[datetime]]:
    """(down pieces, unmonitored pieces, changes into down) from `since` on, given the state
    before it and the changes at or after it, in order."""
    downs, gaps, transitions = [], [], []
    state, begun = initial, since

    def close(until: datetime) -> None:
        if state == State.DOWN:
            downs.append(Row(True, begun, until))
        elif state not in MONITORED:
            gaps.append(Row(False, begun, until))

    for to_state, at in changes:
        close(at)
        if to_state == State.DOWN and state != State.DOWN:
            transitions.append(at)
        state, begun = to_state, at
    close(FOREVER)
    return downs, gaps, transitions


def _cut(rows: list[Row], since: datetime) -> list[Row]:
    """The parts before `since` of rows running across it (their transitions before it)."""
    cut = []
    for row in rows:
        if row.started < since:
            limit = micros(since)
            cut.append(Row(row.down, row.started, min(row.ended, since), row.opened,
                           [x for x in row.extra if x < limit]))
    return cut


def check_rows(kept: list[Row], initial: str | None, changes: list[tuple[str, datetime]],
               since: datetime) -> list[Row]:
    """A check's rows from the last stretch before `since` on: `kept` are its rows that end
    at or after `since` (they are replaced), the changes those at or after it."""
    downs, gaps, transitions = replay(initial, changes, since)
    kept = _cut(kept, since)
    rows = _attach(_merge([r for r in kept if r.down] + downs), transitions)
    return sorted(rows + _merge([r for r in kept if not r.down] + gaps),
                  key=lambda r: (r.started, r.ended, r.down))


def service_rows(kept: list[Row], check_rows_by_check: dict[int, list[Row]],
                 since: datetime) -> list[Row]:
    """A service key's rows from `since` on, from its checks' rows that end after it."""
    downs = [Row(True, max(r.started, since), r.ended)
             for rows in check_rows_by_check.values() for r in rows if r.down]
    gaps = _intersection([[Row(False, max(r.started, since), r.ended) for r in rows
                           if not r.down and r.ended > since]
                          for rows in check_rows_by_check.values()])
    kept = _cut(kept, since)
    return sorted(_merge([r for r in kept if r.down] + downs)
                  + _merge([r for r in kept if not r.down] + gaps),
                  key=lambda r: (r.started, r.down))


def _intersection(sets: list[list[Row]]) -> list[Row]:
    """Where every one of the sets is: unmonitored while every check is."""
    if not sets or any(not rows for rows in sets):
        return []
    events: list[tuple[datetime, int]] = []
    for rows in sets:
        for row in _merge(rows):
            events += [(row.started, 1), (row.ended, -1)]
    events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same moment
    found, depth, since = [], 0, None
    for at, step in events:
        depth += step
        if depth == len(sets) and step == 1:
            since = at
        elif since is not None and depth < len(sets):
            if at > since:
                found.append(Row(False, since, at))
            since = None
    return found


# Reading and writing -------------------------------------------------------------------

def _lock(service_ids: Iterable[int]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite runs one writing transaction at a time
    with connection.cursor() as cursor:
        for pk in sorted(set(service_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK, pk])


def _as_rows(queryset) -> list[Row]:
    return [Row(down, started, ended, opened, list(extra or []))
            for down, started, ended, opened, extra in queryset]


def _refresh_check(check_id: int, since: datetime) -> datetime:
    """Rework a check's rows from `since` on; returns from when they changed."""
    before = (CheckStateChange.objects.filter(owner_id=check_id, at__lt=since)
              .order_by("-at", "-id").values_list("to_state", flat=True).first())
    if before is None:
        since = BEGINNING  # nothing earlier: the time before it is not monitored either
    spans = CheckSpan.objects.filter(owner_id=check_id, ended__gte=since)
    kept = _as_rows(spans.values_list("down", "started", "ended", "opened", "extra"))
    changes = list(CheckStateChange.objects.filter(owner_id=check_id, at__gte=since)
                   .order_by("at", "id").values_list("to_state", "at"))
    if since == BEGINNING and not changes:
        rows = [Row(False, BEGINNING, FOREVER)]  # no state yet: not monitored
    else:
        rows = check_rows(kept, before, changes, since)
    spans.delete()
    CheckSpan.objects.bulk_create(CheckSpan(owner_id=check_id, down=r.down, started=r.started,
                                            ended=r.ended, opened=r.opened, extra=r.extra)
                                  for r in rows)
    return since


def _refresh_key(service_id: int, team_key: int, since: datetime) -> None:
    checks = Check.objects.filter(service_id=service_id)
    if team_key:
        checks = checks.filter(team_id=team_key)
    spans = ServiceSpan.objects.filter(service_id=service_id, team_key=team_key)
    check_ids = list(checks.values_list("pk", flat=True))
    if not check_ids:
        spans.delete()
        return
    by_check: dict[int, list[Row]] = {pk: [] for pk in check_ids}
    for owner, down, started, ended in (CheckSpan.objects.filter(
            owner_id__in=check_ids, ended__gt=since)
            .values_list("owner_id", "down", "started", "ended")):
        by_check[owner].append(Row(down, started, ended))
    later = spans.filter(ended__gte=since)
    kept = _as_rows((d, s, e, False, []) for d, s, e in
                    later.values_list("down", "started", "ended"))
    rows = service_rows(kept, by_check, since)
    later.delete()
    ServiceSpan.objects.bulk_create(ServiceSpan(service_id=service_id, team_key=team_key,
                                                down=r.down, started=r.started, ended=r.ended)
                                    for r in rows)


def _keys(check_ids: Iterable[int]) -> dict[tuple[int, int], list[int]]:
    keys: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, service_id, team_id in (Check.objects.filter(pk__in=list(check_ids))
                                    .values_list("pk", "service_id", "team_id")):
        if service_id is not None:
            keys[(service_id, 0)].append(pk)
            if team_id is not None:
                keys[(service_id, team_id)].append(pk)
    return keys


@transaction.atomic
def spans_changed(since: dict[int, datetime]) -> None:
    """The state changes of these checks changed from these moments on (new rows)."""
    if not since:
        return
    keys = _keys(since)
    _lock(service_id for service_id, _team in keys)
    since = {check_id: _refresh_check(check_id, moment)
             for check_id, moment in sorted(since.items())}
    for (service_id, team_key), members in sorted(keys.items()):
        _refresh_key(service_id, team_key, min(since[pk] for pk in members))


@transaction.atomic
def spans_rekey(keys: Iterable[tuple[int | None, int | None]]) -> None:
    """A check moved between services or teams, or was deleted: recompute the services'
    rows ((service id, team id) it had and has) from the beginning."""
    found = set()
    for service_id, team_id in keys:
        if service_id is not None:
            found.add((service_id, 0))
            if team_id is not None:
                found.add((service_id, team_id))
    _lock(service_id for service_id, _team in found)
    for service_id, team_key in sorted(found):
        _refresh_key(service_id, team_key, BEGINNING)


def rebuild(models, check_ids: Iterable[int] | None = None, progress=None) -> int:
    """Recompute the rows of these checks (all by default) and of their services from the
    state changes; `models` has Check, CheckStateChange, CheckSpan and ServiceSpan (the
    migration passes its historical ones). Returns the number of check rows."""
    checks = models.Check.objects.all()
    if check_ids is not None:
        checks = checks.filter(pk__in=list(check_ids))
    members = {pk: (service_id, team_id) for pk, service_id, team_id in
               checks.values_list("pk", "service_id", "team_id")}
    _lock({service_id for service_id, _team in members.values() if service_id is not None})
    models.CheckSpan.objects.filter(owner_id__in=list(members)).delete()
    by_check: dict[int, list[Row]] = {}
    written, batch = 0, []

    def flush() -> None:
        models.CheckSpan.objects.bulk_create(batch, batch_size=5000)
        batch.clear()

    def finish(pk: int, changes: list) -> None:
        nonlocal written
        rows = (check_rows([], None, changes, BEGINNING) if changes
                else [Row(False, BEGINNING, FOREVER)])
        by_check[pk] = rows
        batch.extend(models.CheckSpan(owner_id=pk, down=r.down, started=r.started,
                                      ended=r.ended, opened=r.opened, extra=r.extra)
                     for r in rows)
        written += len(rows)
        if len(batch) >= 5000:
            flush()
            if progress:
                progress(len(by_check), len(members))

    current, changes = None, []
    for owner, to_state, at in (models.CheckStateChange.objects
                                .filter(owner_id__in=list(members))
                                .order_by("owner_id", "at", "id")
                                .values_list("owner_id", "to_state", "at").iterator(5000)):
        if owner != current:
            if current is not None:
                finish(current, changes)
            current, changes = owner, []
        changes.append((to_state, at))
    if current is not None:
        finish(current, changes)
    for pk in members:
        if pk not in by_check:
            finish(pk, [])
    flush()
    keys: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, (service_id, team_id) in members.items():
        if service_id is not None:
            keys[(service_id, 0)].append(pk)
            if team_id is not None:
                keys[(service_id, team_id)].append(pk)
    services = {service_id for service_id, _team in keys}
    models.ServiceSpan.objects.filter(service_id__in=services).delete()
    for (service_id, team_key), pks in keys.items():
        everyone = models.Check.objects.filter(service_id=service_id)
        if team_key:
            everyone = everyone.filter(team_id=team_key)
        if len(pks) != everyone.count():  # some of the service's checks were not rebuilt
            for owner, down, started, ended in (models.CheckSpan.objects.filter(
                    owner__in=everyone).exclude(owner_id__in=pks)
                    .values_list("owner_id", "down", "started", "ended")):
                by_check.setdefault(owner, []).append(Row(down, started, ended))
            pks = list(everyone.values_list("pk", flat=True))
        rows = service_rows([], {pk: by_check.get(pk, []) for pk in pks}, BEGINNING)
        models.ServiceSpan.objects.bulk_create(
            (models.ServiceSpan(service_id=service_id, team_key=team_key, down=r.down,
                                started=r.started, ended=r.ended) for r in rows),
            batch_size=5000)
    return written


def spans_rebuild(check_ids: Iterable[int] | None = None) -> int:
    """`rebuild` with the models of today: the management command, bulk loads, tests."""
    with transaction.atomic():
        return rebuild(SimpleNamespace(Check=Check, CheckStateChange=CheckStateChange,
                                       CheckSpan=CheckSpan, ServiceSpan=ServiceSpan), check_ids)
