"""Data for the monitoring charts: uptime segments, their bar specs, and latency series.

The pages draw every chart with the vendored Chart.js (static/js/charts.js); this module
only shapes compact, JSON-ready data for it, and the text a chart says without JS.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone


@dataclass
class Segment:
    """An hour of a check, from its rollup: runs, failed runs and slow runs."""

    label: str          # "14:00"
    count: int = 0
    failures: int = 0
    degraded: int = 0

    @property
    def ratio(self) -> float | None:
        return None if not self.count else 1 - self.failures / self.count

    @property
    def state(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "none"
        if ratio >= 1:
            return "degraded" if self.degraded else "up"
        return _graded(ratio)

    @property
    def title(self) -> str:
        if not self.count:
            return f"{self.label}: no data"
        text = f"{self.label}: {self.ratio * 100:.2f}% up"
        if self.failures:
            text += f", {self.failures} of {self.count} runs failed"
        if self.degraded:
            text += f", {self.degraded} slow"
        return text


@dataclass
class DaySegment:
    """A day of a service or check: seconds monitored, down, and down in maintenance."""

    label: str
    monitored: float = 0
    down: float = 0
    planned: float = 0

    @property
    def ratio(self) -> float | None:
        return None if not self.monitored else 1 - (self.down - self.planned) / self.monitored

    @property
    def state(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "none"
        if self.planned and self.planned >= self.down:
            return "maint"
        return "up" if ratio >= 1 else _graded(ratio)

    @property
    def title(self) -> str:
        if not self.monitored:
            return f"{self.label}: no data"
        text = f"{self.label}: {self.ratio * 100:.2f}% up"
        unplanned = self.down - self.planned
        if unplanned:
            text += f", {_minutes(unplanned)} down"
        if self.planned:
            text += f", {_minutes(self.planned)} planned maintenance"
        return text


def _graded(ratio: float) -> str:
    if ratio >= 0.99:
        return "minor"
    return "partial" if ratio >= 0.9 else "down"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def runs(segments) -> list[list]:
    """Segments as [length, state, tooltip] runs: a quiet month is one run, not 90, which
    keeps a board page of 100 rows small."""
    out: list[list] = []  # [length, state, first label, last label, text]
    for segment in segments:
        state, text = segment.state, segment.title.split(": ", 1)[-1]
        if out and out[-1][1] == state and out[-1][4] == text:
            out[-1][0] += 1
            out[-1][3] = segment.label
            continue
        out.append([1, state, segment.label, segment.label, text])
    return [[n, state, f"{first if n == 1 else f'{first} – {last}'}: {text}"]
            for n, state, first, last, text in out]


def bar(segments) -> dict:
    """An uptime bar for charts.js."""
    return {"kind": "uptime", "runs": runs(segments)}


def sparkline(values: list[float | None]) -> list[float | None] | None:
    """Latency values for a sparkline over a bar, or None with fewer than two to draw."""
    if sum(v is not None for v in values) < 2:
        return None
    return [None if v is None else round(v, 1) for v in values]


def hours_summary(segments: list[Segment]) -> tuple[float | None, str]:
    """The uptime percentage of some hours, and the sentence a screen reader hears."""
    count = sum(s.count for s in segments)
    if not count:
        return None, f"Uptime by hour, last {len(segments)} hours: no data yet"
    failures = sum(s.failures for s in segments)
    failed = sum(1 for s in segments if s.failures)
    percent = (1 - failures / count) * 100
    return percent, (f"Uptime by hour, last {len(segments)} hours: {percent:.2f}% up, "
                     f"{failed} hour{'' if failed == 1 else 's'} with failed runs")


def days_summary(days: int, percent: float | None, outages: int) -> str:
    if percent is None:
        return f"Uptime by day, last {days} days: no data yet"
    return (f"Uptime by day, last {days} days: {percent:.3f}% up, "
            f"{outages} outage{'' if outages == 1 else 's'}")


def downsample(points: list[tuple[datetime, float | None, str]], buckets: int = 300):
    """At most `buckets` points: each the mean latency of its bucket, failed if any failed."""
    if len(points) <= buckets:
        return points
    size = len(points) / buckets
    out = []
    for b in range(buckets):
        chunk = points[int(b * size):int((b + 1) * size)] or [points[-1]]
        values = [p[1] for p in chunk if p[1] is not None]
        mean = sum(values) / len(values) if values else None
        outcome = "down" if any(p[2] == "down" for p in chunk) else chunk[-1][2]
        out.append((chunk[0][0], mean, outcome))
    return out


def latency_chart(points: list[tuple[datetime, float | None, str]]) -> dict:
    """The check page's latency line with failed runs marked, as series for charts.js.

    Times go as seconds after the first point plus the page's UTC offset, so the axis
    reads in the site's time zone as the rest of the page does.
    """
    if not points:
        return {}
    start, end = points[0][0], points[-1][0]
    values = [p[1] for p in points if p[1] is not None]
    failed = sum(1 for p in points if p[2] == "down")
    top = round(max(values)) if values else 0
    summary = f"Latency over the last 24 hours, up to {top} ms"
    if values:
        summary += f", {round(sorted(values)[len(values) // 2])} ms median"
    summary += f", {failed} failed run{'' if failed == 1 else 's'} marked"
    local = timezone.localtime(start)
    return {"start": start, "end": end, "top": top, "failed": failed, "summary": summary,
            "spec": {"kind": "latency", "offset": int(local.utcoffset().total_seconds()),
                     "start": int(start.timestamp()),
                     "x": [round((p[0] - start).total_seconds()) for p in points],
                     "ms": [None if p[1] is None else round(p[1], 1) for p in points],
                     "down": [i for i, p in enumerate(points) if p[2] == "down"]}}
