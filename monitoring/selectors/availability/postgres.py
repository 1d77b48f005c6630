"""Availability figures in one SQL statement, on PostgreSQL, from the availability spans.

monitoring.services.spans keeps each check's down and unmonitored stretches, and the
unions of them per service (per team too), as rows (monitoring/models/spans.py). A period
reads the rows ending after its start, clipped to it: lengths and counts are plain sums,
the changes into down (outages begun) are flags on the rows, and planned downtime is each
down stretch intersected (`*`) with the maintenance windows covering it, as multiranges;
per check, over the ~20,000 stretches a year meets windows, as sums of overlaps with the
windows sharing a day with them: an equality join on key and day (an overlap test against
every window of the key cost ~45 ms of the ~125 at 10,000 checks).
A year over 10,000 checks reads their outages, not their every state change.

The definitions are the package's (its docstring); tests check this agrees with
intervals.py, which answers on other databases from the state changes themselves.
"""

from datetime import datetime

from django.db import connection, transaction

from itsm.models import Asset
from maintenance.models import MaintenanceWindow
from monitoring.models import Check, CheckSpan, ServiceSpan, micros
from monitoring.selectors.availability.figures import Downtime, Outage, Span

# The SQL below is assembled from constant fragments and table names only; every value
# (dates, ids) is a bound parameter.


def _length(expression: str) -> str:
    return (f"(SELECT COALESCE(SUM(EXTRACT(EPOCH FROM upper(r) - lower(r))), 0) "  # noqa: S608
            f"FROM unnest({expression}) r)")


def _tables() -> dict:
    return {"check": Check._meta.db_table, "check_span": CheckSpan._meta.db_table,
            "service_span": ServiceSpan._meta.db_table, "asset": Asset._meta.db_table,
            "window": MaintenanceWindow._meta.db_table,
            "window_services": MaintenanceWindow.services.through._meta.db_table,
            "window_assets": MaintenanceWindow.assets.through._meta.db_table}


# %(start)s and %(end)s bound the period; {where} narrows the checks (ids, service, team).
CHECKS = """
WITH chk AS MATERIALIZED (
  SELECT c.id, c.name, c.service_id, c.asset_id, a.service_id AS asset_service_id
  FROM {check} c LEFT JOIN {asset} a ON a.id = c.asset_id
  WHERE {where}
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
sel AS (SELECT DISTINCT service_id FROM chk WHERE service_id IS NOT NULL),
ss AS MATERIALIZED (
  -- The services' rows of the key the filter reads (every check, or one team's).
  SELECT s.service_id, s.down, GREATEST(s.started, %(start)s) AS a,
         LEAST(s.ended, %(end)s) AS b
  FROM {service_span} s
  WHERE s.team_key = %(team_key)s AND s.ended > %(start)s AND s.started < %(end)s
    AND s.service_id IN (SELECT service_id FROM sel)
),
svc_windows AS (
  SELECT service_id, range_agg(spans) AS spans FROM key_windows
  WHERE service_id IS NOT NULL GROUP BY service_id
)
"""

DETAIL = CHECKS + """,
per_check AS (
  -- Rows ending at the start still count: a change into down exactly there begins one.
  SELECT owner_id,
         SUM(len) FILTER (WHERE down) AS down_s,
         SUM(len) FILTER (WHERE NOT down) AS gap_s,
         COUNT(*) FILTER (WHERE down AND len > 0) AS outages,
         COUNT(*) FILTER (WHERE down AND opened AND started >= %(start)s) AS opened,
         MAX(len) FILTER (WHERE down AND len > 0) AS longest
  FROM (SELECT s.owner_id, s.down, s.opened, s.started,
               date_part('epoch', LEAST(s.ended, %(end)s) - GREATEST(s.started, %(start)s))
                 AS len
        FROM {check_span} s
        WHERE s.ended >= %(start)s AND s.started < %(end)s {owners}) clipped
  GROUP BY owner_id
),
extras AS (
  -- Further changes into down inside a down stretch: nearly never (check_span_extra).
  SELECT s.owner_id,
         SUM((SELECT count(*) FROM jsonb_array_elements_text(s.extra) x
              WHERE x::bigint >= %(start_us)s AND x::bigint < %(end_us)s)) AS n
  FROM {check_span} s
  WHERE s.down AND s.extra <> '[]'::jsonb AND s.ended >= %(start)s AND s.started < %(end)s
    {owners}
  GROUP BY s.owner_id
),
key_days AS MATERIALIZED (
  -- Each key's windows as disjoint ranges (in epoch seconds), one row per day each
  -- touches: a down stretch meets them by (key, day), and its planned time is the sum
  -- over the days of its overlap with each within the day, so nothing counts twice.
  SELECT kw.service_key, kw.asset_key, d.day, w.a AS wa, w.b AS wb
  FROM key_windows kw, unnest(kw.spans) r,
       LATERAL (SELECT date_part('epoch', lower(r)) AS a, date_part('epoch', upper(r)) AS b) w,
       generate_series(floor(w.a / 86400)::int, ceil(w.b / 86400)::int - 1) d(day)
),
hits AS MATERIALIZED (
  -- The down stretches overlapping any window (check_span_down_range finds them; windows
  -- are short, so they are few), with their check's key and their first and last day.
  SELECT h.*, floor(h.a / 86400)::int AS d0, ceil(h.b / 86400)::int - 1 AS d1
  FROM (SELECT s.owner_id, COALESCE(c.service_id, 0) AS service_key,
               COALESCE(c.asset_id, 0) AS asset_key,
               date_part('epoch', GREATEST(s.started, %(start)s)) AS a,
               date_part('epoch', LEAST(s.ended, %(end)s)) AS b
        FROM {check_span} s JOIN chk c ON c.id = s.owner_id
        WHERE s.down
          AND tstzrange(s.started, s.ended) && (SELECT range_agg(spans) FROM key_windows)) h
),
hit_days AS (
  -- Most stretches lie within a day; the others, one row per day.
  SELECT owner_id, service_key, asset_key, d0 AS day, a, b FROM hits WHERE d0 >= d1
  UNION ALL
  SELECT owner_id, service_key, asset_key, d.day, a, b
  FROM hits, generate_series(d0, d1) d(day) WHERE d0 < d1
),
planned AS (
  SELECT h.owner_id,
         SUM(LEAST(h.b, kd.wb, (h.day + 1) * 86400::float8)
             - GREATEST(h.a, kd.wa, h.day * 86400::float8)) AS planned_s
  FROM hit_days h JOIN key_days kd ON kd.service_key = h.service_key
                                  AND kd.asset_key = h.asset_key AND kd.day = h.day
  WHERE kd.wa < h.b AND kd.wb > h.a
  GROUP BY h.owner_id
),
shortest_shown AS (
  -- The `longest` longest outages are all of checks whose own longest is at least the
  -- `longest`-th largest of those (one per check): only their stretches are ranked.
  SELECT longest FROM per_check WHERE longest IS NOT NULL
  ORDER BY longest DESC OFFSET GREATEST(%(longest)s - 1, 0) LIMIT 1
),
longest AS (
  SELECT o.owner_id, o.a, o.b
  FROM (SELECT s.owner_id, GREATEST(s.started, %(start)s) AS a,
               LEAST(s.ended, %(end)s) AS b
        FROM {check_span} s
        WHERE s.owner_id IN (SELECT owner_id FROM per_check WHERE longest >= COALESCE(
                               (SELECT longest FROM shortest_shown), 0))
          AND s.down AND s.ended > %(start)s AND s.started < %(end)s) o
  WHERE o.b > o.a
  ORDER BY o.b - o.a DESC, o.a, o.owner_id LIMIT %(longest)s
)
SELECT * FROM (
  -- Worst first as figures.rank orders them (names in code point order), so a report
  -- showing the `worst` fetches only those.
  SELECT 'check', id, m, d, p, outages, began, NULL::timestamptz, NULL::timestamptz,
         NULL::boolean
  FROM (SELECT c.id, c.name,
               date_part('epoch', %(end)s::timestamptz - %(start)s::timestamptz)
                 - COALESCE(pc.gap_s, 0) AS m,
               COALESCE(pc.down_s, 0) AS d, COALESCE(pl.planned_s, 0) AS p,
               COALESCE(pc.outages, 0) AS outages,
               (COALESCE(pc.opened, 0) + COALESCE(ex.n, 0))::bigint AS began
        FROM chk c LEFT JOIN per_check pc ON pc.owner_id = c.id
        LEFT JOIN extras ex ON ex.owner_id = c.id
        LEFT JOIN planned pl ON pl.owner_id = c.id) x
  ORDER BY m = 0, (d - p) / NULLIF(m, 0) DESC, name COLLATE "C", id LIMIT %(worst)s
) ranked
UNION ALL
SELECT 'total', (SELECT count(*) FROM chk), 0::float, 0::float, 0::float, 0::bigint,
       0::bigint, NULL, NULL, NULL
UNION ALL
SELECT 'service', sel.service_id,
       date_part('epoch', %(end)s::timestamptz - %(start)s::timestamptz
                          - COALESCE(SUM(ss.b - ss.a) FILTER (WHERE NOT ss.down),
                                     '0'::interval)),
       COALESCE(date_part('epoch', SUM(ss.b - ss.a) FILTER (WHERE ss.down)), 0),
       COALESCE(SUM({s_planned}) FILTER (WHERE ss.down AND tstzrange(ss.a, ss.b) && sw.spans),
                0),
       COUNT(ss.down) FILTER (WHERE ss.down), COUNT(ss.down) FILTER (WHERE ss.down), NULL,
       NULL, NULL
FROM sel LEFT JOIN ss ON ss.service_id = sel.service_id
LEFT JOIN svc_windows sw ON sw.service_id = sel.service_id
WHERE {services}
GROUP BY sel.service_id
UNION ALL
SELECT 'outage', o.owner_id, 0::float, 0::float,
       COALESCE((SELECT {o_planned} FROM chk c JOIN key_windows kw
                   ON kw.service_key = COALESCE(c.service_id, 0)
                  AND kw.asset_key = COALESCE(c.asset_id, 0) WHERE c.id = o.owner_id), 0),
       0::bigint, 0::bigint, o.a, o.b, o.a = %(start)s
FROM longest o
"""  # noqa: S608

TOTALS = CHECKS + """,
parts AS (
  SELECT u.n, u.a, u.b FROM unnest(%(starts)s::timestamptz[], %(ends)s::timestamptz[])
    WITH ORDINALITY AS u(a, b, n)
),
cut AS (
  SELECT p.n, ss.down, sw.spans, GREATEST(ss.a, p.a) AS a, LEAST(ss.b, p.b) AS b
  FROM parts p JOIN ss ON ss.a < p.b AND ss.b > p.a
  LEFT JOIN svc_windows sw ON sw.service_id = ss.service_id
)
SELECT p.n,
       COALESCE((SELECT EXTRACT(EPOCH FROM SUM(b - a)) FROM cut WHERE cut.n = p.n AND down),
                0),
       (SELECT count(*) FROM sel) * EXTRACT(EPOCH FROM p.b - p.a)
         - COALESCE((SELECT EXTRACT(EPOCH FROM SUM(b - a)) FROM cut
                     WHERE cut.n = p.n AND NOT down), 0),
       COALESCE((SELECT SUM({c_planned}) FROM cut WHERE cut.n = p.n AND down
                   AND tstzrange(a, b) && spans), 0)
FROM parts p
"""  # noqa: S608

LENGTHS = {
    "s_planned": _length("tstzmultirange(tstzrange(ss.a, ss.b)) * sw.spans"),
    "o_planned": _length("tstzmultirange(tstzrange(o.a, o.b)) * kw.spans"),
    "c_planned": _length("tstzmultirange(tstzrange(a, b)) * spans"),
}


def _where(check_ids=None, service_ids=None, service_id=None, team_id=None) -> tuple:
    """The condition on the checks (alias c), the one on their check rows, and values."""
    conditions, values = ["TRUE"], {"team_key": team_id or 0}
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
    # Every row has its check: without a condition there is nothing to look up.
    owners = "AND s.owner_id IN (SELECT id FROM chk)" if len(conditions) > 1 else ""
    # A page of checks asks for their own figures: their services' are every check's.
    services = "FALSE" if check_ids is not None else "TRUE"
    return {"where": " AND ".join(conditions), "owners": owners, "services": services}, values


def _run(sql: str, parts: dict, values: dict) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's estimates for these set-returning steps are poor; JIT compiling the
        # plan would cost more than running it.
        cursor.execute("SET LOCAL jit = off")
        # A period's stretches of every check are grouped and sorted in memory.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql.format(**parts, **_tables(), **LENGTHS), values)
        return cursor.fetchall()


def collect(start: datetime, end: datetime, *, longest: int, worst: int | None = None,
            **which) -> Downtime:
    """The figures of the checks `which` selects (see `_where`), or of the `worst` of
    them, their services' and the longest outages."""
    parts, values = _where(**which)
    rows = _run(DETAIL, parts, {**values, "start": start, "end": end, "longest": longest,
                                "worst": worst, "start_us": micros(start),
                                "end_us": micros(end)})
    found = Downtime({}, {}, [])
    outages = []
    for kind, pk, monitored, down, planned, count, began, started, ended, before in rows:
        if kind == "total":
            found.total = pk
            continue
        if kind == "outage":
            outages.append(Outage(pk, started, ended, float(planned), bool(before)))
            continue
        span = Span(float(monitored), float(down), float(planned), int(count), int(began))
        (found.checks if kind == "check" else found.services)[pk] = span
    # UNION ALL keeps no order: the outages' own, longest first.
    found.outages = sorted(outages, key=lambda o: (-(o.ended - o.started), o.started,
                                                   o.check_id))
    return found


def totals(parts: list[tuple[datetime, datetime]], **which) -> list[Span]:
    """All services of the selected checks together over each [start, end) of `parts`."""
    sql_parts, values = _where(**which)
    rows = _run(TOTALS, sql_parts, {**values, "start": min(a for a, _b in parts),
                                    "end": max(b for _a, b in parts),
                                    "starts": [a for a, _b in parts],
                                    "ends": [b for _a, b in parts]})
    found = {n: Span(float(m or 0), float(d or 0), float(p or 0)) for n, d, m, p in rows}
    # unnest … WITH ORDINALITY counts from 1.
    return [found.get(n + 1, Span()) for n in range(len(parts))]
