"""Folding the report facts appended by changes into one row per key (beat, every minute).

Readers sum whatever rows a key has, so folding changes no figure; it keeps the tables as
small as their keys. On Postgres one statement per batch deletes a batch of appended rows
and the folded rows of the same keys and inserts their sums (a key whose sums are all zero
goes away), and adds the batch to the table's rollups if it has some (ROLLUPS); rows
appended meanwhile by transactions not yet committed are not seen, and are folded next
time. An advisory lock keeps two folds from racing over the same rows. On SQLite (`make
run`, small data) the whole table is read and rewritten, and its rollups recomputed.
"""

from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction

from tickets.models import ANY, GRAIN_BITS
from tickets.services.facts import (
    ROLLUPS,
    TABLES,
    Rollup,
    Table,
    facts_apply,
    facts_rollups_recompute,
)

BATCH = 10_000
LOCK = 0x7E4DFAC7  # pg_try_advisory_xact_lock key: one fold at a time


def _quoted(table: Table) -> tuple[str, list[str], list[str], str, str]:
    """The table's name, keys, measures, their column list and "some sum is not zero",
    quoted for SQL (names come from the models, never from input)."""
    quote = connection.ops.quote_name
    keys = [quote(k) for k in table.keys]
    measures = [quote(m) for m in table.measures]
    return (quote(table.model._meta.db_table), keys, measures, ", ".join(keys + measures),
            " OR ".join(f"SUM({m}) <> 0" for m in measures))


def _fold_postgres(table: Table) -> int:
    name, keys, measures, columns, nonzero = _quoted(table)
    sums = ", ".join(f"SUM({m})" for m in measures)
    same_key = " AND ".join(f"t.{k} = touched.{k}" for k in keys)
    # Names come from the models, never from input.
    sql = (
        f"WITH delta AS (DELETE FROM {name} WHERE id IN (SELECT id FROM {name} "  # noqa: S608
        f"WHERE NOT folded ORDER BY id LIMIT %s) RETURNING {columns}), "
        f"touched AS (SELECT DISTINCT {', '.join(keys)} FROM delta), "
        f"base AS (DELETE FROM {name} t USING touched WHERE t.folded AND {same_key} "
        f"RETURNING {', '.join(f't.{c}' for c in keys + measures)}), "
        f"gone AS (SELECT COUNT(*) AS n FROM delta){_rollups_sql(table)} "
        f"INSERT INTO {name} ({columns}, folded) "
        f"SELECT {', '.join(keys)}, {sums}, true FROM "
        f"(SELECT {columns} FROM delta UNION ALL SELECT {columns} FROM base) AS both_rows "
        f"GROUP BY {', '.join(keys)} HAVING {nonzero} "
        f"RETURNING (SELECT n FROM gone)")
    folded = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
            if not cursor.fetchone()[0]:
                return folded
            cursor.execute(sql, [BATCH])
            found = cursor.fetchone()
        count = found[0] if found else 0
        folded += count
        if not found or count < BATCH:
            return folded


def _rollups_sql(table: Table) -> str:
    """The CTEs that add the folded batch (`delta`) to the table's rollups, if it has some:
    each delta row counts once per grain (the dimensions a grain drops set to their "any"
    value), and the rollup rows of the touched keys are replaced by their sums with the
    batch, in the same statement, so a rollup always equals the folded day rows."""
    return "".join(_rollup_sql(rollup, n) for n, rollup in
                   enumerate(ROLLUPS.get(_name(table), ())))


def _rollup_sql(rollup: Rollup, n: int) -> str:
    quote = connection.ops.quote_name
    name, keys, measures, columns, nonzero = _quoted(rollup)
    same_key = " AND ".join(f"t.{k} = rdelta{n}.{k}" for k in keys)
    grains = ", ".join(f"({grain})" for grain in rollup.grains)

    def kept(key: str) -> str:
        if key == rollup.first:
            day = f"delta.{quote('day')}"
            return f"date_trunc('month', {day}::timestamp)::date" if key == "month" else day
        if key == "grain":
            return "g.grain"
        if key in GRAIN_BITS:
            return (f"CASE WHEN g.grain & {GRAIN_BITS[key]} <> 0 THEN delta.{quote(key)} "
                    f"ELSE {_literal(ANY[key])} END")
        return f"delta.{quote(key)}"

    selected = ", ".join(f"{kept(k)} AS {q}" for k, q in zip(rollup.keys, keys, strict=True))
    # Names and grains come from the models, never from input.
    return (
        f", rdelta{n} AS (SELECT {selected}, "  # noqa: S608
        f"{', '.join(f'SUM(delta.{m}) AS {m}' for m in measures)} "
        f"FROM delta CROSS JOIN (VALUES {grains}) AS g(grain) "
        f"GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}), "
        f"rbase{n} AS (DELETE FROM {name} t USING rdelta{n} WHERE {same_key} "
        f"RETURNING {', '.join(f't.{c}' for c in keys + measures)}), "
        f"rput{n} AS (INSERT INTO {name} ({columns}) SELECT {', '.join(keys)}, "
        f"{', '.join(f'SUM({m})' for m in measures)} FROM (SELECT {columns} FROM rdelta{n} "
        f"UNION ALL SELECT {columns} FROM rbase{n}) AS rollup_rows GROUP BY "
        f"{', '.join(keys)} HAVING {nonzero})")


def _literal(value) -> str:
    return "''" if value == "" else str(int(value))


def _fold_sqlite(table: Table) -> int:
    model = table.model
    with transaction.atomic():
        rows = list(model.objects.values_list(*table.keys, *table.measures, "folded"))
        if all(row[-1] for row in rows):
            return 0
        sums: dict = defaultdict(lambda: defaultdict(int))
        width = len(table.keys)
        for row in rows:
            for name, amount in zip(table.measures, row[width:-1], strict=True):
                sums[(row[:width])][name] += amount
        model.objects.all().delete()
        facts_apply(changes={(_name(table), key): amounts for key, amounts in sums.items()
                             if any(amounts.values())}, folded=True)
        if _name(table) in ROLLUPS:
            facts_rollups_recompute()
        return sum(1 for row in rows if not row[-1])


def _name(table: Table) -> str:
    return next(name for name, found in TABLES.items() if found is table)


def facts_fold(*, now: datetime | None = None) -> int:
    """Fold the appended fact rows of every table; returns how many were folded."""
    fold = _fold_postgres if connection.vendor == "postgresql" else _fold_sqlite
    return sum(fold(table) for table in TABLES.values())
