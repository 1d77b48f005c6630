"""What availability answers with: seconds per check or service (`Span`), the longest
outages, and `Availability` (timedeltas and ratios) for the pages and the API."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class Span:
    """What a check or service did in the period, in seconds."""

    monitored: float = 0.0
    down: float = 0.0
    planned: float = 0.0
    outages: int = 0  # down stretches overlapping the period (one going on at its start too)
    began: int = 0  # outages that began inside the period

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
    total: int = 0  # checks selected: `checks` may hold only the worst of them


def rank(span: Span, name: str, pk: int) -> tuple:
    """Worst first: the largest share of monitored time down unplanned; unmonitored last."""
    if not span.monitored:
        return (True, 0.0, name, pk)
    return (False, -(span.unplanned / span.monitored), name, pk)


@dataclass
class Availability:
    start: datetime
    end: datetime
    monitored: timedelta
    down: timedelta
    planned_down: timedelta
    outages: int

    @classmethod
    def of(cls, span: Span, start: datetime, end: datetime, *, outages: int) -> "Availability":
        return cls(start, end, timedelta(seconds=span.monitored), timedelta(seconds=span.down),
                   timedelta(seconds=span.planned), outages)

    @property
    def unplanned_down(self) -> timedelta:
        return self.down - self.planned_down

    @property
    def ratio(self) -> float | None:
        """1 - unplanned down / monitored; None without any monitored time."""
        if not self.monitored:
            return None
        return max(0.0, 1 - self.unplanned_down / self.monitored)

    @property
    def ratio_including_planned(self) -> float | None:
        if not self.monitored:
            return None
        return max(0.0, 1 - self.down / self.monitored)

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else round(self.ratio * 100, 3)

    def as_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end,
            "monitored_seconds": self.monitored.total_seconds(),
            "down_seconds": self.down.total_seconds(),
            "planned_down_seconds": self.planned_down.total_seconds(),
            "unplanned_down_seconds": self.unplanned_down.total_seconds(),
            "outages": self.outages,
            "availability": self.ratio,
            "availability_including_planned": self.ratio_including_planned,
        }
