"""Samples into series and 5-minute buckets: the one write path of every metrics source.

`samples_ingest` takes parsed samples (capacity/samples.py) of one asset and, in one
transaction: finds or creates their series set-based (locking them, so two pushes of one
asset queue up instead of racing on a counter's last value), turns counters into per-second
rates, records counter resets and filesystem resizes as SeriesEvents, and upserts the
buckets with one INSERT … ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike).

Idempotency on (series, t): a bucket remembers the time of its newest sample (`last_at`).
A sample at or before that time, in a bucket that already exists, is taken as one already
stored and skipped. So a resent push changes nothing, and an agent's backlog (sent later,
with its original timestamps) fills the buckets it missed, even after newer samples came
in. What this rule gives up: a sample older than the newest one already in its own
5-minute bucket is dropped. Counters are read in time order only: a counter sample not
newer than the series' last raw value is skipped (its rate would need the one before it).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from capacity.models import Bucket, Kind, Series, SeriesEvent, Source
from capacity.samples import Sample
from itsm.models import Asset

RESIZE_RATIO = 0.01  # a size change under 1 % is a filesystem's own rounding, not a resize
COLUMNS = ("series_id", "resolution", "start", "count", "total", "min", "max", "last",
           "last_at")


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    skipped: int
    series: int
    created: int = 0
    events: int = 0


def batched(rows: Iterable, size: int):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def bucket_start(t: datetime, resolution: int = Bucket.FIVE_MINUTES) -> datetime:
    return datetime.fromtimestamp(int(t.timestamp()) // resolution * resolution, tz=UTC)


def merge_clause() -> str:
    """How an incoming bucket row joins the stored one: sums add, extremes widen, the
    `last` of whichever saw the later sample wins."""
    q = connection.ops.quote_name
    t = q(Bucket._meta.db_table)
    c = {name: q(name) for name in COLUMNS}
    return ", ".join([
        f"{c['count']} = {t}.{c['count']} + EXCLUDED.{c['count']}",
        f"{c['total']} = {t}.{c['total']} + EXCLUDED.{c['total']}",
        f"{c['min']} = CASE WHEN EXCLUDED.{c['min']} < {t}.{c['min']} "
        f"THEN EXCLUDED.{c['min']} ELSE {t}.{c['min']} END",
        f"{c['max']} = CASE WHEN EXCLUDED.{c['max']} > {t}.{c['max']} "
        f"THEN EXCLUDED.{c['max']} ELSE {t}.{c['max']} END",
        f"{c['last']} = CASE WHEN EXCLUDED.{c['last_at']} >= {t}.{c['last_at']} "
        f"THEN EXCLUDED.{c['last']} ELSE {t}.{c['last']} END",
        f"{c['last_at']} = CASE WHEN EXCLUDED.{c['last_at']} > {t}.{c['last_at']} "
        f"THEN EXCLUDED.{c['last_at']} ELSE {t}.{c['last_at']} END",
    ])


def conflict_target() -> str:
    q = connection.ops.quote_name
    return f"({q('series_id')}, {q('resolution')}, {q('start')})"


def buckets_upsert(rows: Iterable[tuple]) -> int:
    """Rows in COLUMNS order, merged into the stored buckets; the number of rows sent."""
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    # Only quoted model identifiers are formatted in; every value is a parameter.
    head = (f"INSERT INTO {q(Bucket._meta.db_table)} ({', '.join(q(c) for c in COLUMNS)}) "  # noqa: S608
            "VALUES ")
    tail = f" ON CONFLICT {conflict_target()} DO UPDATE SET {merge_clause()}"
    sent = 0
    with connection.cursor() as cursor:
        for chunk in batched(rows, 500):
            params = []
            for row in chunk:
                series_id, resolution, start, count, total, low, high, last, last_at = row
                params += [series_id, resolution, adapt(start), count, total, low, high, last,
                           adapt(last_at)]
            values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(chunk))
            cursor.execute(head + values + tail, params)
            sent += len(chunk)
    return sent


def _series_for(asset: Asset, groups: dict[str, list[Sample]], source: str,
                now: datetime) -> tuple[dict[str, Series], int]:
    keys = sorted(groups)
    found = {s.key: s for s in Series.objects.select_for_update()
             .filter(asset=asset, key__in=keys).order_by("pk")}
    missing = [k for k in keys if k not in found]
    if missing:
        new = []
        for key in missing:
            first = groups[key][0]
            new.append(Series(asset=asset, kind=first.kind, name=first.name[:200],
                              labels=first.labels, key=key, unit=first.unit, source=source,
                              is_counter=first.counter, created_at=now))
        # A concurrent first push of the same series may win: its row is read back below.
        Series.objects.bulk_create(new, ignore_conflicts=True)
        found.update({s.key: s for s in Series.objects.select_for_update()
                      .filter(asset=asset, key__in=missing).order_by("pk")})
    _link_sizes(asset, found, created={k for k in missing if k.startswith(Kind.FS_SIZE)})
    return found, len(missing)


def _size_key(used_key: str) -> str:
    return Kind.FS_SIZE + used_key[len(Kind.FS_USED):]


def _link_sizes(asset: Asset, found: dict[str, Series], created: set[str]) -> None:
    """fs_used.capacity_series -> the fs_size of the same mount (and labels)."""
    unlinked = [s for s in found.values()
                if s.kind == Kind.FS_USED and s.capacity_series_id is None]
    if created:  # a new size series may complete a used series stored before it
        unlinked += list(Series.objects.filter(
            asset=asset, kind=Kind.FS_USED, capacity_series__isnull=True,
            key__in=[Kind.FS_USED + k[len(Kind.FS_SIZE):] for k in created])
            .exclude(pk__in=[s.pk for s in unlinked]))
    if not unlinked:
        return
    sizes = dict(Series.objects.filter(asset=asset, kind=Kind.FS_SIZE,
                                       key__in=[_size_key(s.key) for s in unlinked])
                 .values_list("key", "pk"))
    linked = []
    for used in unlinked:
        size_id = sizes.get(_size_key(used.key))
        if size_id is not None:
            used.capacity_series_id = size_id
            linked.append(used)
    if linked:
        Series.objects.bulk_update(linked, ["capacity_series"])


class _Batch:
    """What one push adds: bucket rows, series changes, events and the counts."""

    def __init__(self, known_last: dict[tuple[int, datetime], datetime]):
        self.known_last = known_last
        self.rows: dict[tuple[int, datetime], list] = {}
        self.events: list[SeriesEvent] = []
        self.resized: list[tuple[Series, SeriesEvent]] = []
        self.accepted = self.skipped = 0

    def point(self, series: Series, t: datetime, value: float) -> bool:
        start = bucket_start(t)
        known = self.known_last.get((series.pk, start))
        if known is not None and t <= known:
            return False
        row = self.rows.get((series.pk, start))
        if row is None:
            self.rows[(series.pk, start)] = [1, value, value, value, value, t]
        else:
            row[0] += 1
            row[1] += value
            row[2], row[3] = min(row[2], value), max(row[3], value)
            if t >= row[5]:
                row[4], row[5] = value, t
        return True

    def series(self, series: Series, samples: list[Sample]) -> bool:
        """Add one series' samples (in time order); True if the series row changed."""
        latest: tuple[datetime, float] | None = None
        earliest: datetime | None = None
        raw_changed = False
        for sample in samples:
            value = sample.v
            if series.is_counter:
                value = self._rate(series, sample)
                if value is False:
                    self.skipped += 1
                    continue
                raw_changed = True
                if value is None:  # the first value, or a reset: no rate for this interval
                    self.accepted += 1
                    continue
            if not self.point(series, sample.t, value):
                self.skipped += 1
                continue
            self.accepted += 1
            if series.kind == Kind.FS_SIZE and (series.last_at is None
                                                or sample.t > series.last_at):
                self._resize(series, sample, latest)
            if latest is None or sample.t >= latest[0]:
                latest = (sample.t, value)
            earliest = sample.t if earliest is None else min(earliest, sample.t)
        changed = raw_changed
        if latest is not None and (series.last_at is None or latest[0] >= series.last_at):
            series.last_at, series.last_value = latest
            changed = True
        if earliest is not None and (series.first_at is None or earliest < series.first_at):
            series.first_at = earliest
            changed = True
        return changed

    def _rate(self, series: Series, sample: Sample) -> float | None | bool:
        # False: already read; None: stored as the new base, no rate; else the rate.
        before, before_at = series.last_raw, series.last_raw_at
        if before_at is not None and sample.t <= before_at:
            return False
        series.last_raw, series.last_raw_at = sample.v, sample.t
        if before_at is None or before is None:
            return None
        if sample.v < before:
            self.events.append(SeriesEvent(series=series, kind=SeriesEvent.Kind.RESET,
                                           at=sample.t, before=before, after=sample.v,
                                           note="Counter went down: restarted."))
            return None
        return (sample.v - before) / (sample.t - before_at).total_seconds()

    def _resize(self, series: Series, sample: Sample, latest) -> None:
        before = latest[1] if latest is not None else series.last_value
        if before is None or before <= 0 or abs(sample.v - before) <= RESIZE_RATIO * before:
            return
        note = f"Size {before:.0f} -> {sample.v:.0f} bytes."
        event = SeriesEvent(series=series, kind=SeriesEvent.Kind.RESIZE, at=sample.t,
                            before=before, after=sample.v, note=note)
        self.events.append(event)
        self.resized.append((series, event))


def samples_ingest(*, asset: Asset, samples: list[Sample], source: str = Source.PUSH,
                   now: datetime | None = None) -> IngestResult:
    """Store `samples` of `asset` (validated by a parser) in one transaction."""
    now = now or timezone.now()
    if not samples:
        return IngestResult(accepted=0, skipped=0, series=0)
    by_key: dict[str, dict[datetime, Sample]] = {}
    for sample in samples:  # the same (series, t) twice in one push: the later one counts
        by_key.setdefault(sample.key, {})[sample.t] = sample
    groups = {key: sorted(found.values(), key=lambda s: s.t) for key, found in by_key.items()}
    with transaction.atomic():
        series, created = _series_for(asset, groups, source, now)
        starts = {bucket_start(s.t) for group in groups.values() for s in group}
        known = {(sid, start): last_at for sid, start, last_at in Bucket.objects.filter(
            series_id__in=[s.pk for s in series.values()], resolution=Bucket.FIVE_MINUTES,
            start__in=starts).values_list("series_id", "start", "last_at")}
        batch = _Batch(known)
        changed = [series[key] for key, group in groups.items()
                   if batch.series(series[key], group)]
        buckets_upsert((sid, Bucket.FIVE_MINUTES, start, *row)
                       for (sid, start), row in batch.rows.items())
        _series_update(changed)
        _resize_used(batch)
        if batch.events:
            SeriesEvent.objects.bulk_create(batch.events, ignore_conflicts=True)
    return IngestResult(accepted=batch.accepted, skipped=batch.skipped, series=len(groups),
                        created=created, events=len(batch.events))


SERIES_STATE = (("last_at", "timestamptz"), ("last_value", "float8"), ("first_at", "timestamptz"),
                ("last_raw", "float8"), ("last_raw_at", "timestamptz"))


def _series_update(changed: list[Series]) -> None:
    """One UPDATE … FROM (VALUES …) for the push's series: bulk_update's CASE expressions
    cost some 100 ms of Python for 20 series, most of a push's time."""
    if not changed:
        return
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    pg = connection.vendor == "postgresql"

    def slot(kind):  # VALUES columns of NULLs need a type on PostgreSQL; SQLite needs none
        return f"CAST(%s AS {kind})" if pg else "%s"

    row = "(" + ", ".join([slot("bigint"), *(slot(kind) for _f, kind in SERIES_STATE)]) + ")"
    params = []
    for series in changed:
        params.append(series.pk)
        for name, kind in SERIES_STATE:
            value = getattr(series, name)
            params.append(adapt(value) if kind == "timestamptz" and value is not None else value)
    table = q(Series._meta.db_table)
    sets = ", ".join(f"{q(name)} = v.column{i + 2}" for i, (name, _k) in enumerate(SERIES_STATE))
    with connection.cursor() as cursor:
        cursor.execute(  # only quoted model identifiers are formatted in
            f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * len(changed))}) AS v "  # noqa: S608
            f"WHERE {table}.{q('id')} = v.column1", params)


def _resize_used(batch: _Batch) -> None:
    # The forecaster and the charts read the used series: it carries the resize too.
    if not batch.resized:
        return
    used = {}
    for pk, size_id in Series.objects.filter(
            capacity_series_id__in=[s.pk for s, _e in batch.resized]).values_list(
            "pk", "capacity_series_id"):
        used.setdefault(size_id, []).append(pk)
    for size, event in batch.resized:
        batch.events += [SeriesEvent(series_id=pk, kind=event.kind, at=event.at,
                                     before=event.before, after=event.after, note=event.note)
                         for pk in used.get(size.pk, [])]
