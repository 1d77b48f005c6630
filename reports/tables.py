"""The shape every report returns: summary figures, and sections with a chart and tables.

Pages render it, the CSV export writes one of its tables, the API serialises it, and the
weekly mail reads the summary. Values stay raw (seconds, 0–100 percentages, counts);
formatting is the template's and the CSV writer's job.
"""

from dataclasses import dataclass, field
from typing import Any

# Column kinds: how a raw value is shown and exported.
INT, FLOAT, PERCENT, SECONDS, BUSINESS, MINUTES, TEXT, REF, DATE, MONTH, DATETIME, RATING = (
    "int", "float", "percent", "seconds", "business", "minutes", "text", "ref", "date", "month",
    "datetime", "rating")
UNITS = {PERCENT: "%", SECONDS: "hours", BUSINESS: "business hours", MINUTES: "minutes"}


@dataclass
class Column:
    key: str
    label: str
    kind: str = INT
    minor: bool = False  # hidden on a phone
    # Read from the duration histograms (a percentile): within 1 %, shown with "≈".
    approximate: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in (INT, FLOAT, PERCENT, SECONDS, BUSINESS, MINUTES, RATING)

    @property
    def unit(self) -> str:
        return UNITS.get(self.kind, "")


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    empty: str = "Nothing in this period."
    # Rows left out (a list capped for the page); the CSV and the API carry more.
    truncated: bool = False
    note: str = ""


@dataclass
class Chart:
    kind: str  # "bar" or "line"
    labels: list[str]
    datasets: list[dict]  # {"label", "data", optional "stack" and "color"}
    unit: str = ""  # "%", "h", or "" for counts
    stacked: bool = False
    horizontal: bool = False
    title: str = ""

    @property
    def size(self) -> str:
        """A height class: horizontal bars grow with the number of labels."""
        if not self.horizontal:
            return "chart-box"
        n = len(self.labels)
        return "chart-box chart-h-s" if n <= 4 else "chart-box chart-h-m" if n <= 10 \
            else "chart-box chart-h-l"

    def as_json(self) -> dict:
        return {"kind": self.kind, "labels": self.labels, "datasets": self.datasets,
                "unit": self.unit, "stacked": self.stacked, "horizontal": self.horizontal,
                "title": self.title}


@dataclass
class Section:
    title: str
    tables: list[Table]
    chart: Chart | None = None
    intro: str = ""
    anchor: str = ""


@dataclass
class Figure:
    """One summary number; `kind` as for columns. `better` says which way is good."""

    key: str
    label: str
    value: Any
    kind: str = INT
    better: str = ""  # "up", "down" or "" (neither)
    previous: Any = None
    hint: str = ""
    # The value in each bucket of the period (reports.buckets), None where unknown; None
    # for a figure that is a current state with no history (overdue patches now).
    series: list | None = None
    # Read from the duration histograms (a percentile): within 1 %, shown with "≈".
    approximate: bool = False

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str:
        """"up", "down" or "flat" (no previous value: "")."""
        change = self.change
        if change is None:
            return ""
        if abs(change) < 1e-9:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def good(self) -> bool | None:
        """Is the trend good news? None when neither direction is better or no trend."""
        if not self.better or self.trend in ("", "flat"):
            return None
        return self.trend == self.better


@dataclass
class Report:
    key: str
    title: str
    period: Any
    filters: Any
    summary: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, Table]:
        return {t.name: t for s in self.sections for t in s.tables}


def cap(rows: list, limit: int | None) -> tuple[list, bool]:
    if limit is None or len(rows) <= limit:
        return rows, False
    return rows[:limit], True


def pct(part: int | float | None, whole: int | float | None) -> float | None:
    """0–100, one decimal; None when there is nothing to divide by."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)
