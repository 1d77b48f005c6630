"""Availability figures in one SQL statement, on PostgreSQL: what a report over 10,000
checks needs (the Python intervals take seconds there; this takes a fraction of one).

The state changes become time ranges (LEAD over each check's changes), `range_agg`
unions them into multiranges, and `*` intersects downtime with the maintenance windows.
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


# %(start)s and %(end)s bound the period; {where} narrows the checks (ids, service, team).
RANGES = """
WITH chk AS (
  SELECT c.id, c.service_id, c.asset_id, a.service_id AS asset_service_id
  FROM {check} c LEFT JOIN {asset} a ON a.id = c.asset_id
  WHERE {where}
),
seq AS (
  -- Each check's state when the period began (none yet: not monitored), then every
  -- change inside it.
  SELECT c.id AS owner_id, first.to_state, %(start)s::timestamptz AS at, 0::bigint AS ord
  FROM chk c
  LEFT JOIN LATERAL (SELECT s.to_state FROM {change} s
                     WHERE s.owner_id = c.id AND s.at < %(start)s
                     ORDER BY s.at DESC, s.id DESC LIMIT 1) first ON TRUE
  UNION ALL
  SELECT s.owner_id, s.to_state, s.at, s.id
  FROM {change} s JOIN {check} c ON c.id = s.owner_id  -- not the CTE: real row estimates
  WHERE {where} AND s.at >= %(start)s AND s.at < %(end)s
),
spans AS (
  SELECT owner_id, to_state AS state, at AS since, ord,
         LAG(to_state) OVER (PARTITION BY owner_id ORDER BY at, ord) AS before,
         COALESCE(LEAD(at) OVER (PARTITION BY owner_id ORDER BY at, ord), %(end)s) AS until
  FROM seq
),
per_check AS (
  -- A check's spans follow each other without overlapping, so its monitored time is a
  -- plain sum. Only its downtime and its unmonitored gaps (few) become multiranges.
  SELECT owner_id,
         COALESCE(SUM(EXTRACT(EPOCH FROM until - since))
                  FILTER (WHERE state = ANY(%(monitored)s)), 0) AS monitored_s,
         COALESCE(SUM(EXTRACT(EPOCH FROM until - since)) FILTER (WHERE state = %(down)s), 0)
           AS down_s,
         range_agg(tstzrange(since, until)) FILTER (WHERE state = %(down)s AND until > since)
           AS down,
         -- Outages begun inside the period: changes into down (not the seed row, ord 0).
         COUNT(*) FILTER (WHERE ord <> 0 AND state = %(down)s
                          AND before IS DISTINCT FROM %(down)s) AS began,
         range_agg(tstzrange(since, until)) FILTER (
           WHERE (state IS NULL OR NOT state = ANY(%(monitored)s)) AND until > since) AS gaps
  FROM spans GROUP BY owner_id
),
keys AS (SELECT DISTINCT service_id, asset_id, asset_service_id FROM chk),
key_windows AS (
  -- Maintenance windows per (service, asset): few keys, few windows.
  SELECT k.service_id, k.asset_id,
         range_agg(tstzrange(GREATEST(w.starts_at, %(start)s), LEAST(w.ends_at, %(end)s)))
           AS spans
  FROM keys k JOIN {window} w ON w.starts_at < %(end)s AND w.ends_at > %(start)s
  WHERE EXISTS (SELECT 1 FROM {window_services} ws WHERE ws.maintenancewindow_id = w.id
                AND ws.service_id IN (k.service_id, k.asset_service_id))
     OR EXISTS (SELECT 1 FROM {window_assets} wa WHERE wa.maintenancewindow_id = w.id
                AND wa.asset_id = k.asset_id)
  GROUP BY k.service_id, k.asset_id
),
fig AS (
  SELECT c.id, c.service_id, COALESCE(pc.down, '{{}}') AS down, pc.monitored_s, pc.down_s,
         pc.began,
         COALESCE(pc.gaps, '{{}}') AS gaps,
         COALESCE(pc.down, '{{}}') * COALESCE(kw.spans, '{{}}'::tstzmultirange) AS planned,
         COALESCE(kw.spans, '{{}}'::tstzmultirange) AS windows
  FROM chk c JOIN per_check pc ON pc.owner_id = c.id
  LEFT JOIN key_windows kw ON kw.service_id IS NOT DISTINCT FROM c.service_id
                          AND kw.asset_id IS NOT DISTINCT FROM c.asset_id
),
svc AS (
  -- A service is monitored unless every one of its checks is in a gap at once.
  SELECT f.service_id, range_agg(f.down) AS down,
         tstzmultirange(tstzrange(%(start)s, %(end)s)) - range_intersect_agg(f.gaps)
           AS monitored,
         range_agg(f.windows) AS windows
  FROM fig f WHERE f.service_id IS NOT NULL GROUP BY f.service_id
)
"""

DETAIL = RANGES + """
SELECT 'check', f.id, {m_len}, {d_len}, {p_len}, {d_count}, f.began, NULL::timestamptz,
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
  FROM fig f, unnest(f.down) r
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
    "p_len": f"CASE WHEN f.planned = '{{}}' THEN 0 ELSE {_length('f.planned')} END",
    "d_count": _count("f.down"), "sm_len": _length("s.monitored"), "sd_len": _length("s.down"),
    "sp_len": _length("s.down * s.windows"), "sd_count": _count("s.down"),
    "o_len": _length("tstzmultirange(r) * f.windows"),
    "t_down": _length("s.down * p.part"), "t_monitored": _length("s.monitored * p.part"),
    "t_planned": _length("s.down * s.windows * p.part"),
}


def _where(check_ids=None, service_ids=None, service_id=None, team_id=None
           ) -> tuple[str, dict]:
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
    return " AND ".join(conditions), values


def _run(sql: str, where: str, values: dict) -> list[tuple]:
    values = {**values, "down": State.DOWN.value,
              "monitored": sorted(state.value for state in MONITORED)}
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's estimates for these set-returning steps are poor; JIT compiling the
        # plan would cost more than running it.
        cursor.execute("SET LOCAL jit = off")
        # Sorting every state change of the period by check fits in memory at this size.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql.format(where=where, **_tables(), **LENGTHS), values)
        return cursor.fetchall()


def collect(start: datetime, end: datetime, *, longest: int, **which) -> Downtime:
    """The figures of the checks `which` selects (see `_where`), their services' and the
    longest outages."""
    where, values = _where(**which)
    rows = _run(DETAIL, where, {**values, "start": start, "end": end, "longest": longest})
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
    where, values = _where(**which)
    rows = _run(TOTALS, where, {**values, "start": min(a for a, _b in parts),
                                "end": max(b for _a, b in parts), "longest": 0,
                                "starts": [a for a, _b in parts],
                                "ends": [b for _a, b in parts]})
    found = {n: Span(float(m or 0), float(d or 0), float(p or 0)) for n, d, m, p in rows}
    # unnest … WITH ORDINALITY counts from 1.
    return [found.get(n + 1, Span()) for n in range(len(parts))]
