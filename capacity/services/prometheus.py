"""A team's own Prometheus as a source: Tend reads query_range there and keeps no copy.

`prometheus_range` runs one range query (bearer token, timeout, netguard, size cap) and
returns its series; `prometheus_discover` runs each selector of a source once and keeps a
Series row (source "prometheus", no buckets) for every result series whose instance
label names one of our assets (by hostname, then name, then IP address, port dropped).
`prometheus_series_range` reads one such series back: the kind's selector narrowed to the
series' own labels (matchers added to each vector selector), filtered again client-side
in case the expression keeps other series.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from capacity.models import PrometheusSource, Series, Source
from capacity.services.scrape import FetchError, fetch, guarded_client
from itsm.models import Asset

UNITS = {"fs_used": "bytes", "fs_size": "bytes", "memory": "percent", "swap": "percent",
         "cpu": "percent", "load": "", "network": "bytes_per_second"}
# The label that names a series within its host, per kind (the mount point, the NIC).
NAME_LABELS = {"fs_used": "mountpoint", "fs_size": "mountpoint", "network": "device"}
# Which source a series came from (Series has no column for it): a label of our own.
SOURCE_LABEL = "tend_prometheus_source"
MAX_POINTS = 11_000  # Prometheus refuses more per series; say so before it does


class PrometheusError(Exception):
    """The query could not be answered; the message is fit to show and store."""


@dataclass(frozen=True)
class RangeSeries:
    labels: dict
    points: list[tuple[datetime, float]]


def _epoch(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"


def _call(source: PrometheusSource, path: str, params: dict) -> list[dict]:
    headers = {"Accept": "application/json"}
    if source.bearer_token:
        headers["Authorization"] = f"Bearer {source.bearer_token}"
    url = source.url.rstrip("/") + path
    try:
        with guarded_client() as client:
            body = fetch(client, url, timeout=source.timeout, headers=headers, params=params)
    except FetchError as exc:
        raise PrometheusError(str(exc)) from exc
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise PrometheusError(f"{source.name} did not answer JSON") from exc
    if not isinstance(answer, dict) or answer.get("status") != "success":
        error = answer.get("error", "no reason given") if isinstance(answer, dict) else ""
        raise PrometheusError(f"{source.name} refused the query: {error}"[:300])
    data = answer.get("data") or {}
    if data.get("resultType") not in {"matrix", "vector"}:
        raise PrometheusError(f"{source.name} answered a {data.get('resultType')}, "
                              "not series: the selector must return an instant vector")
    return data.get("result") or []


def _value(raw) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def prometheus_range(source: PrometheusSource, query: str, start: datetime, end: datetime,
                     step: int) -> list[RangeSeries]:
    """/api/v1/query_range: every series the query returns, points as (UTC time, value);
    PrometheusError with a clear message otherwise. NaN/Inf points are left out."""
    if end <= start:
        raise PrometheusError("The range ends before it starts.")
    step = max(1, int(step))
    if (end - start).total_seconds() / step > MAX_POINTS:
        raise PrometheusError(f"More than {MAX_POINTS} points per series: use a larger step.")
    result = _call(source, "/api/v1/query_range",
                   {"query": query, "start": _epoch(start), "end": _epoch(end), "step": step})
    series = []
    for item in result:
        points = [(datetime.fromtimestamp(float(t), tz=UTC), v) for t, raw in
                  item.get("values", []) if (v := _value(raw)) is not None]
        series.append(RangeSeries(labels=item.get("metric", {}), points=points))
    return series


# A metric name followed by an optional {…}, not a function call, keyword or label list.
_SELECTOR = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|'
                       r'\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)|'
                       r"(?P<name>\b[a-zA-Z_:][a-zA-Z0-9_:]*+)(?P<braces>\{[^}]*\})?(?!\s*\()")
# Operators and aggregations ("avg by (instance) (…)" has no parenthesis right after avg).
_KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
             "group_right", "bool", "offset", "inf", "nan", "sum", "avg", "min", "max",
             "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile",
             "count_values", "limitk", "limit_ratio", "atan2"}


def _quote(value: str) -> str:
    return json.dumps(value)


def narrowed(expression: str, labels: dict) -> str:
    """`expression` with `labels` matched exactly in each of its vector selectors."""
    matchers = ",".join(f"{k}={_quote(v)}" for k, v in sorted(labels.items()))
    if not matchers:
        return expression

    def add(match: re.Match) -> str:
        name = match["name"]
        if not name or name.lower() in _KEYWORDS or re.fullmatch(r"\d\w*", name):
            return match[0]
        inner = (match["braces"] or "{}")[1:-1].strip()
        return f"{name}{{{inner + ',' if inner else ''}{matchers}}}"

    return _SELECTOR.sub(add, expression)


def _identity(series: Series, source: PrometheusSource) -> dict:
    keep = {source.instance_label}
    if series.kind in NAME_LABELS:
        keep.add(NAME_LABELS[series.kind])
    return {k: v for k, v in series.labels.items() if k in keep}


def prometheus_series_range(*, series: Series, start: datetime, end: datetime,
                            step: int | None = None,
                            source: PrometheusSource | None = None) -> list[tuple]:
    """The points of one prometheus series: [(UTC time, value)]."""
    source = source or PrometheusSource.objects.get(name=series.labels.get(SOURCE_LABEL))
    query = source.selectors.get(series.kind)
    if not query:
        raise PrometheusError(f"{source.name} has no selector for {series.kind}")
    identity = _identity(series, source)
    found = prometheus_range(source, narrowed(query, identity), start, end,
                             step or source.step)
    for item in found:
        if all(item.labels.get(k) == v for k, v in identity.items()):
            return item.points
    return []


def _assets_by_host() -> dict[str, Asset]:
    index = {}
    # Later assignments win: hostname beats name beats IP address.
    for asset in Asset.objects.filter(is_active=True).only("pk", "name", "hostname",
                                                            "ip_address"):
        for key in (asset.ip_address, asset.name, asset.hostname):
            if key:
                index[str(key).lower()] = asset
    return index


def _host_of(instance: str) -> str:
    instance = instance.strip().lower()
    if instance.startswith("["):  # [v6]:port
        return instance[1:].split("]", 1)[0]
    return instance.rsplit(":", 1)[0] if instance.count(":") == 1 else instance


def _key(kind: str, name: str, labels: dict) -> str:
    try:  # cap-ingest's canonical key, so a series has one key whatever fed it
        from capacity.samples import series_key
    except ImportError:
        series_key = None
    if series_key is not None:
        return series_key(kind, name, labels)
    parts = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return f"{kind}|{name}|{parts}"[:400]


def prometheus_discover(*, source: PrometheusSource, now: datetime | None = None,
                        actor=None) -> dict:
    """Run each selector of `source` once (an instant query) and create or update the
    Series of every result series on one of our assets. Returns counts; an unanswered
    query is recorded on the source (last_error) and raised as PrometheusError. The
    queries run before the transaction, so no lock waits on Prometheus."""
    now = now or timezone.now()
    answers = []
    try:
        for kind, query in sorted(source.selectors.items()):
            if kind in UNITS:
                answers.append((kind, _call(source, "/api/v1/query",
                                            {"query": query, "time": _epoch(now)})))
    except PrometheusError as exc:
        PrometheusSource.objects.filter(pk=source.pk).update(last_error=str(exc)[:300])
        raise
    return _discovered_save(source=source, answers=answers, now=now)


@transaction.atomic
def _discovered_save(*, source: PrometheusSource, answers: list, now: datetime) -> dict:
    assets = _assets_by_host()
    counts = {"series": 0, "created": 0, "unmatched": 0}
    found: dict[tuple[int, str], Series] = {}
    for kind, result in answers:
        for item in result:
            labels = {k: str(v) for k, v in item.get("metric", {}).items() if k != "__name__"}
            asset = assets.get(_host_of(labels.get(source.instance_label, "")))
            if asset is None:
                counts["unmatched"] += 1
                continue
            name = labels.get(NAME_LABELS.get(kind, ""), "")
            identity = {k: v for k, v in labels.items()
                        if k in {source.instance_label, NAME_LABELS.get(kind, "")}}
            _t, raw = item.get("value", (None, None))
            fields = {"kind": kind, "name": name, "unit": UNITS[kind],
                      "source": Source.PROMETHEUS, "is_counter": False,
                      "labels": {**labels, SOURCE_LABEL: source.name},
                      "last_value": _value(raw), "last_at": now}
            series, created = Series.objects.update_or_create(
                asset=asset, key=_key(kind, name, identity), defaults=fields,
                create_defaults={**fields, "first_at": now, "created_at": now})
            found[(asset.pk, f"{kind}|{name}")] = series
            counts["series"] += 1
            counts["created"] += created
    for (asset_id, kind_name), series in found.items():
        if series.kind == "fs_used":
            size = found.get((asset_id, "fs_size|" + kind_name.split("|", 1)[1]))
            if size and series.capacity_series_id != size.pk:
                Series.objects.filter(pk=series.pk).update(capacity_series=size)
    PrometheusSource.objects.filter(pk=source.pk).update(last_ok_at=now, last_error="")
    return counts
