"""Server-drawn SVG: uptime bars, latency sparklines, the latency chart.

The CSP forbids style attributes, so colours are CSS classes (monitoring.css) and sizes
are SVG geometry attributes, which are not styles.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import mark_safe


@dataclass
class Segment:
    label: str          # "Tue 3 Nov" or "14:00"
    count: int = 0
    failures: int = 0
    degraded: int = 0

    @property
    def ratio(self) -> float | None:
        return None if not self.count else 1 - self.failures / self.count

    @property
    def css(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "seg-none"
        if ratio >= 1:
            return "seg-degraded" if self.degraded else "seg-up"
        if ratio >= 0.99:
            return "seg-minor"
        if ratio >= 0.9:
            return "seg-partial"
        return "seg-down"

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
    def css(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "seg-none"
        if self.planned and self.planned >= self.down:
            return "seg-maint"
        if ratio >= 1:
            return "seg-up"
        if ratio >= 0.99:
            return "seg-minor"
        if ratio >= 0.9:
            return "seg-partial"
        return "seg-down"

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


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


@dataclass
class Rect:
    x: float
    width: float
    css: str
    title: str


def bar(segments, *, label: str, step: float = 6, gap: float = 1.5, small: bool = False
        ) -> str:
    """An uptime bar as inline SVG: one rect per segment (quiet runs merged), a <title>
    each for the tooltip. Built here, not in a template loop: a board page draws
    thousands of them."""
    height = 24
    # Runs that read the same (a quiet month, a day-long outage) merge into one rect.
    rects: list[list] = []  # [first index, last index, css, first label, last label, text]
    for i, segment in enumerate(segments):
        css, title = segment.css, segment.title
        text = title.split(": ", 1)[-1]
        if rects and rects[-1][2] == css and rects[-1][5] == text:
            rects[-1][1], rects[-1][4] = i, segment.label
            continue
        rects.append([i, i, css, segment.label, segment.label, text])
    parts = []
    for first, last, css, first_label, last_label, text in rects:
        label_text = first_label if last == first else f"{first_label} – {last_label}"
        title = f"{label_text}: {text}"
        width = round((last - first + 1) * step - gap, 2)
        parts.append(f'<rect x="{round(first * step, 2)}" y="0" width="{width}" '
                     f'height="{height}" rx="0.6" class="{css}"><title>{escape(title)}'
                     "</title></rect>")
    total = round(len(segments) * step - gap, 2)
    size = " uptime-bar-sm" if small else ""
    return mark_safe(  # noqa: S308 (numbers and escaped text only)
        f'<svg class="uptime-bar{size}" viewBox="0 0 {total} {height}" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(label)}" '
        f'focusable="false">{"".join(parts)}</svg>')


def _scale(values: list[float | None], height: float, top: float | None = None):
    present = [v for v in values if v is not None]
    high = top or (max(present) if present else 1) or 1
    return high, [None if v is None else round(height - v / high * height, 2) for v in values]


def sparkline(values: list[float | None], *, width: float = 100, height: float = 24) -> str:
    """SVG polyline points for latency values; gaps (None) are skipped. '' if < 2 points."""
    if sum(v is not None for v in values) < 2:
        return ""
    _high, ys = _scale(values, height - 2)
    step = width / max(1, len(values) - 1)
    return " ".join(f"{round(i * step, 2)},{y + 1}" for i, y in enumerate(ys) if y is not None)


def latency_chart(points: list[tuple[datetime, float | None, str]], *, width: int = 600,
                  height: int = 160) -> dict:
    """A latency line over time with failed runs marked, for the check page."""
    if not points:
        return {}
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1
    latencies = [p[1] for p in points]
    high, ys = _scale(latencies, height - 10)
    xs = [round((p[0] - start).total_seconds() / span * width, 2) for p in points]
    line = " ".join(f"{x},{y + 5}" for x, y in zip(xs, ys, strict=True) if y is not None)
    failures = [Rect(x, 2, "seg-down", f"{p[0]:%H:%M:%S} {p[2]}")
                for x, p in zip(xs, points, strict=True) if p[2] == "down"]
    return {"line": line, "failures": failures, "width": width, "height": height,
            "top": round(high), "start": start, "end": end}


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
