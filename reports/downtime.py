"""Down, monitored and planned time of checks and services over a period, in one query.

The definitions are monitoring.selectors.availability's (its docstring): a check is down while its
state is down and monitored while it is up, degraded, failing or down; planned downtime
is downtime inside a maintenance window covering the check's service or asset (a window
covers its services, its assets and the assets of its services); a service is down while
any of its checks is down.

monitoring.selectors.availability computes this in Python, fine for one page of checks. A report
over 10,000 checks needs the database to do it: on PostgreSQL the state changes become
time ranges (LEAD over each check's changes), `range_agg` unions them into multiranges,
and `*` intersects downtime with the windows. Elsewhere (SQLite) the same figures come
from monitoring.selectors.availability, which the tests check agree with this query.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from itsm.models import Asset
from maintenance.models import MaintenanceWindow
from monitoring.models import Check, CheckStateChange
from monitoring.selectors import availability as mon

MONITORED = sorted(mon.MONITORED)


@dataclass
class Span:
    """What a check or service did in the period, in seconds."""

    monitored: float = 0.0
    down: float = 0.0
    planned: float = 0.0
    outages: int = 0

    @property
    def unplanned(self) -> float:
        return self.down - self.planned


@dataclass
class Outage:
    check_id: int
    started: datetime
    ended: datetime
    planned: float  # seconds of it inside a maintenance window
    began_before: bool  # already down when the period began (it starts at the start)


@dataclass
class Downtime:
    checks: dict[int, Span]
    services: dict[int, Span]
    outages: list[Outage]


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


# %(start)s and %(end)s bound the period; {where} narrows the checks (service, team).
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
  SELECT owner_id, to_state AS state, at AS since,
         COALESCE(LEAD(at) OVER (PARTITION BY owner_id ORDER BY at, ord), %(end)s) AS until
  FROM seq
),
per_check AS (
  -- A check's spans follow each other without overlapping, so its monitored time is a
  -- plain sum. Only its downtime and its unmonitored gaps (few) become multiranges.
  SELECT owner_id,
         COALESCE(SUM(EXTRACT(EPOCH FROM until - since))
                  FILTER (WHERE state = ANY(%(monitored)s)), 0) AS monitored_s,
         COALESCE(SUM(EXTRACT(EPOCH FROM until - since)) FILTER (WHERE state = 'down'), 0)
           AS down_s,
         range_agg(tstzrange(since, until)) FILTER (WHERE state = 'down' AND until > since)
           AS down,
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
SELECT 'check', f.id, {m_len}, {d_len}, {p_len}, {d_count}, NULL::timestamptz,
       NULL::timestamptz, NULL::boolean
FROM fig f
UNION ALL
SELECT 'service', s.service_id, {sm_len}, {sd_len}, {sp_len}, {sd_count}, NULL, NULL, NULL
FROM svc s
UNION ALL
SELECT * FROM (
  SELECT 'outage', f.id, 0::numeric, 0::numeric,
         {o_len}, 0::bigint, lower(r), upper(r), lower(r) = %(start)s
  FROM fig f, unnest(f.down) r
  ORDER BY upper(r) - lower(r) DESC, lower(r), f.id LIMIT %(longest)s
) o
"""  # noqa: S608

TOTALS = RANGES + """
SELECT p.n, SUM({t_down}), SUM({t_monitored}), SUM({t_planned})
FROM svc s CROSS JOIN (VALUES (0, tstzmultirange(tstzrange(%(start)s, %(split)s))),
                              (1, tstzmultirange(tstzrange(%(split)s, %(end)s)))) p(n, part)
GROUP BY p.n
"""

LENGTHS = {
    "m_len": "f.monitored_s", "d_len": "f.down_s",
    "p_len": f"CASE WHEN f.planned = '{{}}' THEN 0 ELSE {_length('f.planned')} END",
    "d_count": _count("f.down"), "sm_len": _length("s.monitored"), "sd_len": _length("s.down"),
    "sp_len": _length("s.down * s.windows"), "sd_count": _count("s.down"),
    "o_len": _length("tstzmultirange(r) * f.windows"),
    "t_down": _length("s.down * p.part"), "t_monitored": _length("s.monitored * p.part"),
    "t_planned": _length("s.down * s.windows * p.part"),
}


def _where(service_id: int | None, team_id: int | None) -> tuple[str, dict]:
    conditions, values = ["TRUE"], {}
    if service_id is not None:
        conditions.append("c.service_id = %(service)s")
        values["service"] = service_id
    if team_id is not None:
        conditions.append("c.team_id = %(team)s")
        values["team"] = team_id
    return " AND ".join(conditions), values


def _run(sql: str, where: str, values: dict) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's estimates for these set-returning steps are poor; JIT compiling the
        # plan would cost more than running it.
        cursor.execute("SET LOCAL jit = off")
        # Sorting every state change of the period by check fits in memory at this size.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql.format(where=where, **_tables(), **LENGTHS), values)
        return cursor.fetchall()


def collect(start: datetime, end: datetime, *, service_id: int | None = None,
            team_id: int | None = None, longest: int = 20) -> Downtime:
    """Every matching check's and service's figures over [start, end), and the longest
    outages."""
    if end <= start:
        return Downtime({}, {}, [])
    if connection.vendor != "postgresql":
        return _collect_python(start, end, service_id, team_id, longest)
    where, values = _where(service_id, team_id)
    rows = _run(DETAIL, where, {**values, "start": start, "end": end, "longest": longest,
                                "monitored": MONITORED})
    found = Downtime({}, {}, [])
    for kind, pk, monitored, down, planned, count, started, ended, before in rows:
        if kind == "check":
            found.checks[pk] = Span(float(monitored), float(down), float(planned), count)
        elif kind == "service":
            found.services[pk] = Span(float(monitored), float(down), float(planned), count)
        else:
            found.outages.append(Outage(pk, started, ended, float(planned), bool(before)))
    return found


def totals(start: datetime, split: datetime, end: datetime, *, service_id=None,
           team_id=None) -> tuple[Span, Span]:
    """All services together over [start, split) and [split, end): for the dashboard."""
    if end <= start:
        return Span(), Span()
    if connection.vendor != "postgresql":
        return _totals_python(start, split, end, service_id, team_id)
    where, values = _where(service_id, team_id)
    rows = _run(TOTALS, where, {**values, "start": start, "split": split, "end": end,
                                "longest": 0, "monitored": MONITORED})
    parts = {n: Span(float(m or 0), float(d or 0), float(p or 0)) for n, d, m, p in rows}
    return parts.get(0, Span()), parts.get(1, Span())


# The plain fallback: monitoring's own functions --------------------------------------

def _checks(service_id, team_id):
    checks = Check.objects.all()
    if service_id is not None:
        checks = checks.filter(service_id=service_id)
    if team_id is not None:
        checks = checks.filter(team_id=team_id)
    return dict(checks.values_list("pk", "service_id"))


def _span(item: dict) -> Span:
    return Span(mon.length(item["monitored"]).total_seconds(),
                mon.length(item["down"]).total_seconds(),
                mon.length(item["planned"]).total_seconds(), len(item["down"]))


def _service_items(timelines: dict, checks: dict, start, end) -> dict[int, dict]:
    """Services from their checks' intervals, as monitoring.service_timelines does."""
    by_service: dict[int, list] = {}
    for pk, service_id in checks.items():
        if service_id is not None and pk in timelines:
            by_service.setdefault(service_id, []).append(timelines[pk])
    keys = {(sid, item["asset"]) for sid, items in by_service.items() for item in items}
    windows = mon.window_index(keys, start, end) if keys else {}
    found = {}
    for sid, items in by_service.items():
        down = mon.union([i for item in items for i in item["down"]])
        spans = mon.union([i for (s, _a), w in windows.items() if s == sid for i in w])
        found[sid] = {"down": down,
                      "monitored": mon.union([i for item in items for i in item["monitored"]]),
                      "planned": mon.intersect(down, spans) if down else []}
    return found


def _collect_python(start, end, service_id, team_id, longest) -> Downtime:
    checks = _checks(service_id, team_id)
    timelines = mon.check_timelines(list(checks), start, end) if checks else {}
    services = _service_items(timelines, checks, start, end)
    outages = []
    for pk, item in timelines.items():
        for a, b in item["down"]:
            planned = mon.length(mon.intersect([(a, b)], item["planned"])).total_seconds()
            outages.append(Outage(pk, a, b, planned, a == start))
    outages.sort(key=lambda o: (-(o.ended - o.started), o.started, o.check_id))
    return Downtime({pk: _span(item) for pk, item in timelines.items()},
                    {sid: _span(item) for sid, item in services.items()}, outages[:longest])


def _totals_python(start, split, end, service_id, team_id) -> tuple[Span, Span]:
    checks = _checks(service_id, team_id)
    timelines = mon.check_timelines(list(checks), start, end) if checks else {}
    services = _service_items(timelines, checks, start, end)
    parts = []
    for a, b in ((start, split), (split, end)):
        part = Span()
        for item in services.values():
            cut = {name: mon.intersect(item[name], [(a, b)]) for name in ("monitored", "down",
                                                                          "planned")}
            part.monitored += mon.length(cut["monitored"]).total_seconds()
            part.down += mon.length(cut["down"]).total_seconds()
            part.planned += mon.length(cut["planned"]).total_seconds()
        parts.append(part)
    return parts[0], parts[1]

