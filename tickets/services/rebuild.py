"""Recomputing the report facts from the tickets (`manage.py rebuild_report_facts`).

Set-based: for each stretch of days, grouped queries over the tickets and time entries
whose moments fall in it (the same populations and rules as tickets/facts.py, in SQL),
their rows written folded (one per key), and the rollups of the months they touch
recomputed from the folded day rows. One transaction per stretch. On Postgres the fact
tables are locked (EXCLUSIVE: reads go on, writers wait) for the stretch, so a ticket
changed meanwhile is counted once: either its change committed before the stretch read it,
or its own INSERT waits and lands beside the rebuilt rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from tickets import facts
from tickets.facts import ASSIGNEE, CATEGORY, DAY, HISTOGRAM, OPEN, TIME
from tickets.models import OPEN_STATUSES, Metric, Status, Ticket, TimeEntry
from tickets.services.facts import ROLLUPS, TABLES, facts_apply, facts_rollups_recompute

STRETCH_DAYS = 31
ROLLUPS_FLAT = [rollup for rollups in ROLLUPS.values() for rollup in rollups]
ANALYZE_AFTER = 10_000  # rows rebuilt: past this, the planner's statistics are refreshed


class Micros(Func):
    """A duration (interval on Postgres, microseconds on SQLite) as integer microseconds,
    exactly: EXTRACT(EPOCH …) is numeric on Postgres 14+."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, **extra,
                              template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint")

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", **extra)


class Bucket(Func):
    """tickets.facts.bucket in SQL: the same float operations in the same order (ln of the
    seconds as a double, divided by the same double), so both sides agree to the bit."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            value = (f"floor(ln(({inner})::float8 / 1000000.0::float8) / %s::float8)"
                     "::integer")
        else:
            value = f"CAST(FLOOR(LN(({inner}) / 1000000.0) / %s) AS INTEGER)"
        sql = f"CASE WHEN ({inner}) <= 0 THEN {facts.ZERO_BUCKET} ELSE {value} END"
        return sql, (*params, *params, facts.LOG_RATIO)


def _between(later: str, earlier: str) -> Micros:
    return Micros(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()))


# The four durations: (metric, fact prefix, microseconds, which resolved tickets count).
DURATIONS = (
    (Metric.RESPONSE_WALL, "response_wall", _between("first_response_at", "created_at"),
     Q(first_response_at__isnull=False)),
    (Metric.RESPONSE_BUSINESS, "response_business", Micros(F("response_used")),
     Q(first_response_at__isnull=False, response_target__isnull=False)),
    (Metric.RESOLUTION_WALL, "resolution_wall", _between("resolved_at", "created_at"), Q()),
    (Metric.RESOLUTION_BUSINESS, "resolution_business", Micros(F("resolution_used")),
     Q(resolution_target__isnull=False)),
)
RESOLVED_MEASURES = {
    "resolved": Count("pk"),
    "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
    "response_counted": Count("pk", filter=Q(response_breached__isnull=False)),
    "response_met": Count("pk", filter=Q(response_breached=False)),
    "resolution_counted": Count("pk", filter=Q(resolution_breached__isnull=False)),
    "resolution_met": Count("pk", filter=Q(resolution_breached=False)),
    **{f"rated_{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
    **{f"{prefix}_n": Count("pk", filter=condition) for _m, prefix, _e, condition in DURATIONS},
    **{f"{prefix}_us": Sum(expression, filter=condition)
       for _m, prefix, expression, condition in DURATIONS},
}


@dataclass
class Stretch:
    first: date
    last: date
    rows: int = 0


def _dims(prefix: str = "") -> dict:
    zero = Value(0)
    return {"f_team": Coalesce(F(f"{prefix}team_id"), zero),
            "f_service": Coalesce(F(f"{prefix}service_id"), zero),
            "f_kind": F(f"{prefix}kind"), "f_priority": F(f"{prefix}priority")}


DIM_NAMES = ("f_day", "f_team", "f_service", "f_kind", "f_priority")


def _grouped(queryset, moment: str, start, end, extra: dict, measures: dict, prefix=""):
    """Rows of `queryset` with `moment` in [start, end), grouped by its local day, the
    dimensions and `extra` keys; each row as (key tuple, {measure: value})."""
    tz = timezone.get_default_timezone()
    keys = {"f_day": TruncDate(moment, tzinfo=tz), **_dims(prefix), **extra}
    rows = (queryset.filter(**{f"{moment}__gte": start, f"{moment}__lt": end}).order_by()
            .annotate(**keys).values(*keys).annotate(**measures))
    for row in rows:
        yield (tuple(row[k] for k in keys),
               {name: int(row[name] or 0) for name in measures})


def _stretch_changes(start: datetime, end: datetime) -> dict:
    """Everything counted with a moment in [start, end), as {(table, key): amounts}."""
    changes: dict = {}

    def put(table: str, found) -> None:
        for key, amounts in found:
            row = changes.setdefault((table, key), {})
            for name, amount in amounts.items():
                row[name] = row.get(name, 0) + amount

    tickets = Ticket.objects.all()
    source = {"f_source": F("source")}
    done = tickets.filter(status__in=facts.DONE_WITH_RESOLUTION)
    put(DAY, _grouped(tickets, "created_at", start, end, source, {"created": Count("pk")}))
    put(CATEGORY, _grouped(tickets, "created_at", start, end,
                           {"f_category": Coalesce(F("category_id"), Value(0))},
                           {"created": Count("pk")}))
    for moment, population, measure in (
            ("first_response_at", tickets, "responded"),
            ("closed_at", tickets.filter(status=Status.CLOSED), "closed"),
            ("updated_at", tickets.filter(status=Status.CANCELLED), "cancelled"),
            ("response_breached_at", tickets, "response_breaches"),
            ("resolution_breached_at", tickets, "resolution_breaches")):
        put(DAY, _grouped(population, moment, start, end, source, {measure: Count("pk")}))
    put(DAY, _grouped(done, "resolved_at", start, end, source, RESOLVED_MEASURES))
    put(ASSIGNEE, _grouped(done, "resolved_at", start, end,
                           {"f_assignee": Coalesce(F("assignee_id"), Value(0))},
                           {"resolved": Count("pk")}))
    for metric, _prefix, expression, condition in DURATIONS:
        put(HISTOGRAM, ((key[:5] + (int(metric),) + key[5:], amounts) for key, amounts in
                        _grouped(done.filter(condition), "resolved_at", start, end,
                                 {"f_bucket": Bucket(expression)}, {"n": Count("pk")})))
    put(TIME, _grouped(TimeEntry.objects.all(), "created_at", start, end,
                       {"f_source": F("ticket__source"), "f_user": F("user_id")},
                       {"minutes": Sum("minutes"), "entries": Count("pk")}, "ticket__"))
    return {target: amounts for target, amounts in changes.items() if any(amounts.values())}


def _bounds() -> tuple[date, date] | None:
    """The first and last day anything is counted on."""
    moments = ("created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
               "response_breached_at", "resolution_breached_at")
    found = Ticket.objects.aggregate(first=Min("created_at"),
                                     **{f"last_{m}": Max(m) for m in moments})
    logged = TimeEntry.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    firsts = [m for m in (found["first"], logged["first"]) if m is not None]
    lasts = [m for m in (*(found[f"last_{m}"] for m in moments), logged["last"])
             if m is not None]
    if not firsts:
        return None
    return facts.local_day(min(firsts)), facts.local_day(max(lasts))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()),
                               timezone.get_default_timezone())


def _lock() -> None:
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(t.model._meta.db_table)
                          for t in (*TABLES.values(), *ROLLUPS_FLAT))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def facts_rebuild(*, first: date | None = None, last: date | None = None,
                  progress: Callable[[Stretch], None] | None = None,
                  now: datetime | None = None) -> list[Stretch]:
    """Recompute the facts of the days first…last (both included; every day when both are
    None), a stretch of STRETCH_DAYS at a time, each in its own transaction."""
    if first is not None and last is not None and first > last:
        raise ValueError("The first day is after the last day.")
    whole = first is None and last is None
    bounds = _bounds()
    today = facts.local_day(now or timezone.now())
    if bounds is None:
        bounds = (today, today)
    first = first or bounds[0]
    last = last or max(bounds[1], first)
    done = []
    day = first
    while day <= last:
        stretch = Stretch(day, min(day + timedelta(days=STRETCH_DAYS - 1), last))
        with transaction.atomic():
            _lock()
            for table in TABLES.values():
                if not table.dated:
                    continue
                stale = table.model.objects.filter(day__gte=stretch.first,
                                                   day__lte=stretch.last)
                if whole and stretch.first == first:
                    stale = table.model.objects.filter(day__lte=stretch.last)
                if whole and stretch.last == last:
                    stale = stale | table.model.objects.filter(day__gte=stretch.first)
                stale.delete()
            changes = _stretch_changes(_day_start(stretch.first),
                                       _day_start(stretch.last + timedelta(days=1)))
            facts_apply(changes=changes, folded=True)
            # The months this stretch touches, whole (their other days' folded rows
            # included); before the first and after the last month too when rebuilding all.
            facts_rollups_recompute(
                first=None if whole and stretch.first == first else month_of(stretch.first),
                last=None if whole and stretch.last == last else month_of(stretch.last))
        stretch.rows = len(changes)
        done.append(stretch)
        if progress:
            progress(stretch)
        day = stretch.last + timedelta(days=1)
    facts_open_rebuild()
    if sum(stretch.rows for stretch in done) >= ANALYZE_AFTER:
        _analyze()
    return done


def _open_changes() -> dict:
    """The open tickets counted per OpenTicketFact key (an index-only scan of the open
    tickets' covering index, ticket_open_counts)."""
    zero = Value(0)
    keys = {**_dims(), "f_status": F("status"),
            "f_assignee": Coalesce(F("assignee_id"), zero),
            "f_category": Coalesce(F("category_id"), zero)}
    rows = (Ticket.objects.filter(status__in=OPEN_STATUSES).order_by().annotate(**keys)
            .values(*keys).annotate(n=Count("pk")))
    return {(OPEN, tuple(row[k] for k in keys)): {"n": row["n"]} for row in rows}


@transaction.atomic
def facts_open_rebuild() -> None:
    """Recount the open tickets (OpenTicketFact) from the tickets, whole: part of every
    rebuild, and run when deleting a team, service, category or person moves open tickets
    past the services (tickets/signals.py)."""
    table = TABLES[OPEN]
    if connection.vendor == "postgresql":
        name = connection.ops.quote_name(table.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {name} IN EXCLUSIVE MODE")
    table.model.objects.all().delete()
    facts_apply(changes=_open_changes(), folded=True)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _analyze() -> None:
    """Fresh planner statistics after a big rebuild: with none (autovacuum off or not yet
    run) Postgres guesses a handful of rows, sorts a year's histogram on disk instead of
    hashing it, and a year's times report takes twice as long. Outside a transaction (the
    command) also the visibility map, which the rollups' index-only reads need."""
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(t.model._meta.db_table)
                          for t in (*TABLES.values(), *ROLLUPS_FLAT))
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {names}")
