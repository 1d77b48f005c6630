"""Availability figures in one SQL statement, on PostgreSQL: what a report over 10,000
checks needs (the Python intervals take seconds there; this takes a fraction of one).

The state changes become time ranges (LEAD over each check's changes, read in the order
of the state_change_span index, so without a sort; the state at the period's start is one
backward probe of it per check), `range_agg` unions them into multiranges, and `*`
intersects downtime with the maintenance windows. Lengths and counts are sums over the
spans wherever that is exact, so multiranges are unnested only where outages may join.
The definitions are the package's (its docstring); tests check this agrees with
intervals.py, which answers on other databases.
"""

from datetime import datetime

from django.db import connection, transaction

from itsm.models import Asset
from maintenance.models import MaintenanceWindow
from monitoring.models import MONITORED, Check, CheckStateChange, State
from monitoring.selectors.availability.figures import Downtime, Outage, Span

# The SQL below is assembled from constant fragments and table names only; every value
# (dates, ids) is a bound parameter.

def _length(expression: str) -> str:
    return (f"(SELECT COALESCE(SUM(EXTRACT(EPOCH FROM upper(r) - lower(r))), 0) "  # noqa: S608
            f"FROM unnest({expression}) r)")


def _count(expression: str) -> str:
    return f"(SELECT count(*) FROM unnest({expression}) r)"  # noqa: S608


def _tables() -> dict:
    return {"check": Check._meta.db_table, "change": CheckStateChange._meta.db_table,
            "asset": Asset._meta.db_table, "window": MaintenanceWindow._meta.db_table,
            "window_services": MaintenanceWindow.services.through._meta.db_table,
            "window_assets": MaintenanceWindow.assets.through._meta.db_table}


# %(start)s and %(end)s bound the period; {where} narrows the checks (ids, service, team)
# and {changes} their state changes the same way.
RANGES = """
WITH chk AS MATERIALIZED (
  SELECT c.id, c.service_id, c.asset_id, a.service_id AS asset_service_id
  FROM {check} c LEFT JOIN {asset} a ON a.id = c.asset_id
  WHERE {where}
),
seed AS (
  -- Each check's state when the period began (none yet: not monitored): one backward
  -- probe of state_change_span per check, read from the index alone.
  SELECT c.id, first.to_state AS state
  FROM chk c
  LEFT JOIN LATERAL (SELECT s.to_state FROM {change} s
                     WHERE s.owner_id = c.id AND s.at < %(start)s
                     ORDER BY s.at DESC, s.id DESC LIMIT 1) first ON TRUE
),
spans AS (
  -- The changes inside the period arrive in state_change_span's order (owner, at, id),
  -- so the window needs no sort; the span before the first change is the seed's. Only
  -- LEAD, of by-value columns: looking back as well would cost as much again.
  SELECT s.owner_id, s.at AS since, s.to_state = %(down)s AS down,
         s.to_state = ANY(%(monitored)s) AS monitored,
         LEAD(s.to_state = %(down)s) OVER w AS next_down,
         COALESCE(LEAD(s.at) OVER w, %(end)s) AS until
  FROM {change} s
  WHERE {changes} AND s.at >= %(start)s AND s.at < %(end)s
  WINDOW w AS (PARTITION BY s.owner_id ORDER BY s.at, s.id)
),
per_check AS (
  -- A check's spans tile the period without overlapping, so lengths are plain sums; only
  -- its downtime and its unmonitored gaps (few) become multiranges.
  SELECT owner_id, MIN(since) AS first_at,
         MIN(since) FILTER (WHERE down) AS first_down_at,
         SUM(until - since) FILTER (WHERE NOT monitored) AS gap_len,
         SUM(until - since) FILTER (WHERE down) AS down_len,
         -- Outages begun: changes into down from another state (the first: see fig).
         COUNT(*) FILTER (WHERE NOT down AND next_down) AS began,
         COUNT(*) FILTER (WHERE down AND until > since) AS stretches,
         MAX(until - since) FILTER (WHERE down) AS longest,
         -- Down spans that may join into one outage: two in a row, or an empty span
         -- between them.
         bool_or(until = since OR (down AND next_down)) AS merges,
         range_agg(tstzrange(since, until)) FILTER (WHERE down AND until > since)
           AS down_spans,
         range_agg(tstzrange(since, until)) FILTER (
           WHERE NOT monitored AND until > since) AS gaps
  FROM spans GROUP BY owner_id
),
head AS (
  -- The seed span: from the period's start to the first change inside it (or its end).
  SELECT c.id, c.service_id, c.asset_id, sd.state, pc.*,
         tstzrange(%(start)s, COALESCE(pc.first_at, %(end)s)) AS span,
         COALESCE(pc.first_at, %(end)s) - %(start)s AS span_len,
         COALESCE(pc.first_at, %(end)s) > %(start)s AS span_full
  FROM chk c JOIN seed sd ON sd.id = c.id LEFT JOIN per_check pc ON pc.owner_id = c.id
),
keys AS (SELECT DISTINCT service_id, asset_id, asset_service_id FROM chk),
covers AS (
  SELECT maintenancewindow_id AS window_id, service_id, NULL::bigint AS asset_id
  FROM {window_services}
  UNION ALL
  SELECT maintenancewindow_id, NULL::bigint, asset_id FROM {window_assets}
),
key_windows AS (
  -- Maintenance windows per (service, asset): few keys, few windows. Ids are positive,
  -- so 0 stands for none and the checks join their key by hash.
  SELECT COALESCE(k.service_id, 0) AS service_key, COALESCE(k.asset_id, 0) AS asset_key,
         k.service_id,
         range_agg(tstzrange(GREATEST(w.starts_at, %(start)s), LEAST(w.ends_at, %(end)s)))
           AS spans
  FROM keys k
  JOIN covers cv ON cv.service_id IN (k.service_id, k.asset_service_id)
                 OR cv.asset_id = k.asset_id
  JOIN {window} w ON w.id = cv.window_id
  WHERE w.starts_at < %(end)s AND w.ends_at > %(start)s
  GROUP BY k.service_id, k.asset_id
),
fig AS MATERIALIZED (
  SELECT h.id, h.service_id, h.down, h.gaps, h.windows, h.began, h.longest,
         EXTRACT(EPOCH FROM %(end)s::timestamptz - %(start)s::timestamptz - h.gap_len)
           AS monitored_s,
         EXTRACT(EPOCH FROM h.down_len) AS down_s,
         CASE WHEN h.merges THEN (SELECT count(*) FROM unnest(h.down) r) ELSE h.stretches END
           AS outages,
         -- No outage of the check is longer than this (see the longest outages below).
         CASE WHEN h.merges THEN upper(h.down) - lower(h.down) ELSE h.longest END AS bound
  FROM (
    SELECT h.id, h.service_id, COALESCE(kw.spans, '{{}}'::tstzmultirange) AS windows,
           COALESCE(h.down_spans, '{{}}') + CASE WHEN h.state = %(down)s AND h.span_full
             THEN tstzmultirange(h.span) ELSE '{{}}' END AS down,
           COALESCE(h.gaps, '{{}}') + CASE WHEN (h.state IS NULL
                                                 OR NOT h.state = ANY(%(monitored)s))
                                            AND h.span_full
             THEN tstzmultirange(h.span) ELSE '{{}}' END AS gaps,
           COALESCE(h.gap_len, '0'::interval) + CASE WHEN h.state IS NULL
                                                     OR NOT h.state = ANY(%(monitored)s)
             THEN h.span_len ELSE '0'::interval END AS gap_len,
           COALESCE(h.down_len, '0'::interval) + CASE WHEN h.state = %(down)s
             THEN h.span_len ELSE '0'::interval END AS down_len,
           COALESCE(h.began, 0) + CASE WHEN h.first_down_at = h.first_at
                                        AND h.state IS DISTINCT FROM %(down)s
                                       THEN 1 ELSE 0 END AS began,
           COALESCE(h.stretches, 0) + CASE WHEN h.state = %(down)s AND h.span_full
                                           THEN 1 ELSE 0 END AS stretches,
           h.merges OR (h.state = %(down)s AND h.first_down_at = h.first_at) AS merges,
           CASE WHEN h.state = %(down)s THEN GREATEST(h.longest, h.span_len)
                ELSE h.longest END AS longest
    FROM head h
    LEFT JOIN key_windows kw ON kw.service_key = COALESCE(h.service_id, 0)
                            AND kw.asset_key = COALESCE(h.asset_id, 0)
  ) h
),
svc AS (
  -- A service is monitored unless every one of its checks is in a gap at once.
  SELECT f.service_id, range_agg(f.down) AS down,
         tstzmultirange(tstzrange(%(start)s, %(end)s)) - range_intersect_agg(f.gaps)
           AS monitored,
         COALESCE((SELECT range_agg(kw.spans) FROM key_windows kw
                   WHERE kw.service_id = f.service_id), '{{}}') AS windows
  FROM fig f WHERE f.service_id IS NOT NULL GROUP BY f.service_id
)
"""

DETAIL = RANGES + """,
cut AS (
  -- The checks with the `longest` longest single down spans each have an outage at least
  -- that long, so no outage shorter than the last of them makes the list: only the few
  -- longer ones are unnested and sorted.
  SELECT COALESCE((SELECT f.longest FROM fig f WHERE f.longest IS NOT NULL
                   ORDER BY f.longest DESC LIMIT 1 OFFSET GREATEST(%(longest)s - 1, 0)),
                  '0'::interval) AS at_least
)
SELECT 'check', f.id, {m_len}, {d_len}, {p_len}, f.outages, f.began, NULL::timestamptz,
       NULL::timestamptz, NULL::boolean
FROM fig f
UNION ALL
SELECT 'service', s.service_id, {sm_len}, {sd_len}, {sp_len}, {sd_count}, {sd_count}, NULL,
       NULL, NULL
FROM svc s
UNION ALL
SELECT * FROM (
  SELECT 'outage', f.id, 0::numeric, 0::numeric,
         {o_len}, 0::bigint, 0::bigint, lower(r), upper(r), lower(r) = %(start)s
  FROM cut, fig f, unnest(f.down) r
  WHERE f.bound >= cut.at_least AND upper(r) - lower(r) >= cut.at_least
  ORDER BY upper(r) - lower(r) DESC, lower(r), f.id LIMIT %(longest)s
) o
"""  # noqa: S608

TOTALS = RANGES + """
SELECT p.n, SUM({t_down}), SUM({t_monitored}), SUM({t_planned})
FROM svc s CROSS JOIN (
  SELECT u.n, tstzmultirange(tstzrange(u.a, u.b)) FROM unnest(%(starts)s::timestamptz[],
    %(ends)s::timestamptz[]) WITH ORDINALITY AS u(a, b, n)) p(n, part)
GROUP BY p.n
"""  # noqa: S608

LENGTHS = {
    "m_len": "f.monitored_s", "d_len": "f.down_s",
    "p_len": f"CASE WHEN f.down = '{{}}' OR f.windows = '{{}}' THEN 0 "
             f"ELSE {_length('f.down * f.windows')} END",
    "sm_len": _length("s.monitored"), "sd_len": _length("s.down"),
    "sp_len": _length("s.down * s.windows"), "sd_count": _count("s.down"),
    "o_len": _length("tstzmultirange(r) * f.windows"),
    "t_down": _length("s.down * p.part"), "t_monitored": _length("s.monitored * p.part"),
    "t_planned": _length("s.down * s.windows * p.part"),
}


def _where(check_ids=None, service_ids=None, service_id=None, team_id=None
           ) -> tuple[str, str, dict]:
    """The condition on the checks (alias c) and the one on their state changes (s)."""
    conditions, values = ["TRUE"], {}
    for column, name, value in (("c.id", "checks", check_ids),
                                ("c.service_id", "services", service_ids)):
        if value is not None:
            conditions.append(f"{column} = ANY(%({name})s)")
            values[name] = [int(pk) for pk in value]
    if service_id is not None:
        conditions.append("c.service_id = %(service)s")
        values["service"] = service_id
    if team_id is not None:
        conditions.append("c.team_id = %(team)s")
        values["team"] = team_id
    where = " AND ".join(conditions)
    # Every change has its check: without a condition there is nothing to look up.
    changes = (f"s.owner_id IN (SELECT c.id FROM {Check._meta.db_table} c WHERE {where})"  # noqa: S608
               if len(conditions) > 1 else "TRUE")
    return where, changes, values


def _run(sql: str, where: tuple[str, str], values: dict) -> list[tuple]:
    values = {**values, "down": State.DOWN.value,
              "monitored": sorted(state.value for state in MONITORED)}
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's estimates for these set-returning steps are poor; JIT compiling the
        # plan would cost more than running it.
        cursor.execute("SET LOCAL jit = off")
        # The multiranges of every check of the estate are aggregated in memory.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql.format(where=where[0], changes=where[1], **_tables(), **LENGTHS),
                       values)
        return cursor.fetchall()


def collect(start: datetime, end: datetime, *, longest: int, **which) -> Downtime:
    """The figures of the checks `which` selects (see `_where`), their services' and the
    longest outages."""
    *where, values = _where(**which)
    rows = _run(DETAIL, tuple(where), {**values, "start": start, "end": end, "longest": longest})
    found = Downtime({}, {}, [])
    for kind, pk, monitored, down, planned, count, began, started, ended, before in rows:
        if kind == "outage":
            found.outages.append(Outage(pk, started, ended, float(planned), bool(before)))
            continue
        span = Span(float(monitored), float(down), float(planned), count, began)
        (found.checks if kind == "check" else found.services)[pk] = span
    return found


def totals(parts: list[tuple[datetime, datetime]], **which) -> list[Span]:
    """All services of the selected checks together over each [start, end) of `parts`."""
    *where, values = _where(**which)
    rows = _run(TOTALS, tuple(where), {**values, "start": min(a for a, _b in parts),
                                "end": max(b for _a, b in parts), "longest": 0,
                                "starts": [a for a, _b in parts],
                                "ends": [b for _a, b in parts]})
    found = {n: Span(float(m or 0), float(d or 0), float(p or 0)) for n, d, m, p in rows}
    # unnest … WITH ORDINALITY counts from 1.
    return [found.get(n + 1, Span()) for n in range(len(parts))]
