"""Samples in: one parser per wire format, both giving `list[Sample]`, or a SampleError.

Nothing is stored here. A parser checks every sample first (kind, value, timestamp, size)
and raises one SampleError with all field messages ("samples[3].v"), so the caller either
stores a whole push or none of it. Prometheus text goes through prometheus_client's own
parser; node_exporter's families are mapped to Tend's kinds (the table below), anything
else is dropped unless TEND_METRICS_CUSTOM lists its name.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.dateparse import parse_datetime
from prometheus_client.parser import text_string_to_metric_families

from capacity.models import Kind, Unit

FUTURE_SLACK = timedelta(minutes=5)
KINDS = {k.value for k in Kind}
UNITS = {u.value for u in Unit}
COUNTER_KINDS = {Kind.NETWORK.value}  # the agent sends running byte totals, no flag
DEFAULT_UNITS = {Kind.FS_USED: Unit.BYTES, Kind.FS_SIZE: Unit.BYTES, Kind.MEMORY: Unit.PERCENT,
                 Kind.SWAP: Unit.PERCENT, Kind.CPU: Unit.PERCENT, Kind.LOAD: Unit.NONE,
                 Kind.NETWORK: Unit.BYTES_PER_SECOND, Kind.CUSTOM: Unit.NONE}


@dataclass(frozen=True, slots=True)
class Sample:
    kind: str
    name: str
    labels: dict
    t: datetime
    v: float
    counter: bool = False
    unit: str = ""
    key: str = field(default="", compare=False)

    def __post_init__(self):
        if not self.key:
            object.__setattr__(self, "key", series_key(self.kind, self.name, self.labels))


class SampleError(ValueError):
    """Bad input: `errors` maps a field ("samples[3].v", "body") to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def series_key(kind: str, name: str, labels: dict) -> str:
    """The canonical identity of a series within its asset: every source builds it so."""
    parts = ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items()))
    return f"{kind}|{name}|{parts}"[:400]


def max_body_bytes() -> int:
    return settings.TEND_METRICS_MAX_BODY_BYTES


def _check_time(t: datetime, now: datetime) -> str | None:
    if t > now + FUTURE_SLACK:
        return "Timestamp is more than 5 minutes in the future."
    if t < now - timedelta(days=settings.TEND_METRICS_KEEP_DAYS):
        return f"Timestamp is older than the retention ({settings.TEND_METRICS_KEEP_DAYS} days)."
    return None


def _check_value(v) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return "Send a number."
    if not math.isfinite(v):
        return "Send a finite number (not NaN or infinity)."
    return None


def _check_count(n: int) -> None:
    if n > settings.TEND_METRICS_MAX_SAMPLES:
        raise SampleError({"samples": [
            f"At most {settings.TEND_METRICS_MAX_SAMPLES} samples per push; got {n}."]})


# --- JSON -----------------------------------------------------------------------------

def _json_time(raw, now: datetime) -> datetime | str:
    if raw is None:
        return now
    if isinstance(raw, bool):
        return "Send ISO 8601 or epoch seconds."
    if isinstance(raw, int | float):
        if not math.isfinite(raw) or not 0 <= raw < 1e11:
            return "Epoch seconds out of range."
        return datetime.fromtimestamp(raw, tz=UTC)
    if isinstance(raw, str):
        try:
            parsed = parse_datetime(raw.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            return "Send ISO 8601 (2026-01-31T12:00:00Z) or epoch seconds."
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return "Send ISO 8601 or epoch seconds."


def _json_one(item, at: str, now: datetime, errors: dict) -> Sample | None:
    if not isinstance(item, dict):
        errors[at] = ["Send an object with series, t and v."]
        return None
    mine: dict[str, list[str]] = {}
    kind = item.get("series")
    if not isinstance(kind, str) or kind not in KINDS:
        mine[f"{at}.series"] = [f"Unknown series kind; use one of {', '.join(sorted(KINDS))}."]
    name = item.get("name", "")
    if not isinstance(name, str) or len(name) > 200:
        mine[f"{at}.name"] = ["Send a string of at most 200 characters."]
    labels = item.get("labels") or {}
    if (not isinstance(labels, dict) or len(labels) > 20
            or not all(isinstance(k, str) and isinstance(v, str) and len(k) + len(v) <= 200
                       for k, v in labels.items())):
        mine[f"{at}.labels"] = ["Send an object of at most 20 short string values."]
    t = _json_time(item.get("t"), now)
    problem = t if isinstance(t, str) else _check_time(t, now)
    if problem:
        mine[f"{at}.t"] = [problem]
    v = item.get("v")
    problem = _check_value(v)
    if problem:
        mine[f"{at}.v"] = [problem]
    counter = item.get("counter", kind in COUNTER_KINDS)
    if not isinstance(counter, bool):
        mine[f"{at}.counter"] = ["Send true or false."]
    unit = item.get("unit")
    if unit is not None and unit not in UNITS:
        mine[f"{at}.unit"] = [f"Unknown unit; use one of {', '.join(sorted(UNITS))}."]
    if mine:
        errors.update(mine)
        return None
    return Sample(kind=kind, name=name, labels=labels, t=t, v=float(v), counter=counter,
                  unit=DEFAULT_UNITS[kind] if unit is None else unit)


def parse_json_samples(data, *, now: datetime) -> list[Sample]:
    """`{"samples": [{"series", "name", "labels", "t", "v"}]}` -> samples, or SampleError."""
    if not isinstance(data, dict) or not isinstance(data.get("samples"), list):
        raise SampleError({"samples": ['Send {"samples": [{"series": …, "t": …, "v": …}]}.']})
    items = data["samples"]
    _check_count(len(items))
    errors: dict[str, list[str]] = {}
    samples = [_json_one(item, f"samples[{i}]", now, errors) for i, item in enumerate(items)]
    if errors:
        raise SampleError(errors)
    return samples


# --- Prometheus text ------------------------------------------------------------------

def _ignored_fs(labels: dict) -> bool:
    return labels.get("fstype", "") in settings.TEND_METRICS_IGNORE_FSTYPES


class _Exposition:
    """The families Tend reads, collected by (metric, identity) before they are combined."""

    def __init__(self, now: datetime):
        self.now = now
        self.values: dict[str, dict[tuple, tuple[float, datetime]]] = defaultdict(dict)
        self.cpu: dict[tuple[str, str], tuple[float, datetime]] = {}
        self.out: list[tuple[str, Sample | str]] = []  # (what, sample or error)

    def add(self, name: str, labels: dict, value: float, ts: float | None):
        t = datetime.fromtimestamp(ts, tz=UTC) if ts is not None else self.now
        if name in ("node_filesystem_size_bytes", "node_filesystem_avail_bytes"):
            mount = labels.get("mountpoint", "")
            if mount and not _ignored_fs(labels):
                self.values[name][(mount,)] = (value, t)
        elif name in ("node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes",
                      "node_memory_SwapTotal_bytes", "node_memory_SwapFree_bytes"):
            self.values[name][()] = (value, t)
        elif name == "node_cpu_seconds_total":
            self.cpu[(labels.get("cpu", ""), labels.get("mode", ""))] = (value, t)
        elif name == "node_load1":
            self.emit(name, Kind.LOAD, "", {}, value, t)
        elif name in ("node_network_receive_bytes_total", "node_network_transmit_bytes_total"):
            device = labels.get("device", "")
            if device and device != "lo":
                direction = "rx" if "receive" in name else "tx"
                self.emit(name, Kind.NETWORK, device, {"direction": direction}, value, t,
                          counter=True)
        elif name in settings.TEND_METRICS_CUSTOM:
            self.emit(name, Kind.CUSTOM, name, dict(labels), value, t,
                      counter=name.endswith("_total"))

    def emit(self, what, kind, name, labels, value, t, *, counter=False, unit=None):
        problem = _check_value(value) or _check_time(t, self.now)
        if problem:
            self.out.append((what, problem))
            return
        self.out.append((what, Sample(kind=kind, name=name, labels=labels, t=t, v=value,
                                      counter=counter, unit=unit or DEFAULT_UNITS[kind])))

    def combine(self):
        sizes = self.values["node_filesystem_size_bytes"]
        for (mount,), (size, t) in sizes.items():
            self.emit("node_filesystem_size_bytes", Kind.FS_SIZE, mount, {}, size, t)
            avail = self.values["node_filesystem_avail_bytes"].get((mount,))
            if avail is not None and math.isfinite(size) and math.isfinite(avail[0]):
                self.emit("node_filesystem_avail_bytes", Kind.FS_USED, mount, {},
                          size - avail[0], max(t, avail[1]))
        self._percent("node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes",
                      Kind.MEMORY)
        self._percent("node_memory_SwapTotal_bytes", "node_memory_SwapFree_bytes", Kind.SWAP)
        if self.cpu:
            # Busy seconds over all CPUs, scaled so that its per-second rate is a percentage.
            cpus = {cpu for cpu, _mode in self.cpu}
            busy = sum(v for (_cpu, mode), (v, _t) in self.cpu.items()
                       if mode not in ("idle", "iowait"))
            t = max(t for _v, t in self.cpu.values())
            self.emit("node_cpu_seconds_total", Kind.CPU, "", {}, 100.0 * busy / len(cpus), t,
                      counter=True)

    def _percent(self, total_name, free_name, kind):
        total = self.values[total_name].get(())
        free = self.values[free_name].get(())
        if total is None or free is None or not total[0] > 0:
            return  # no swap configured: no swap series
        self.emit(free_name, kind, "", {}, 100.0 * (1 - free[0] / total[0]), max(total[1], free[1]))


def parse_prometheus_text(text: str, *, now: datetime) -> list[Sample]:
    """The text exposition format (0.0.4) -> samples; ms timestamps honoured, none = `now`."""
    if len(text.encode("utf-8", errors="replace")) > max_body_bytes():
        raise SampleError({"body": [f"At most {max_body_bytes()} bytes per push."]})
    exposition = _Exposition(now)
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                exposition.add(sample.name, sample.labels, sample.value, sample.timestamp)
    except Exception as exc:  # the parser raises several types for malformed lines
        raise SampleError({"body": [f"Not the Prometheus text format: {exc}"[:300]]}) from None
    exposition.combine()
    errors = {}
    for what, item in exposition.out:
        if isinstance(item, str):
            errors.setdefault(what, []).append(item)
    if errors:
        raise SampleError({k: sorted(set(v)) for k, v in errors.items()})
    samples = [item for _what, item in exposition.out]
    _check_count(len(samples))
    return samples
