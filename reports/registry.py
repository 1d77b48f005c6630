"""The reports, in the order the dashboard and the navigation show them."""

from dataclasses import dataclass
from types import ModuleType

from django.utils import timezone

from reports.figures import (
    availability,
    capacity,
    knowledge,
    maintenance,
    problems,
    satisfaction,
    sla,
    times,
    volume,
    work,
    workload,
)


@dataclass(frozen=True)
class ReportInfo:
    key: str
    title: str
    icon: str
    summary: str
    module: ModuleType
    # Filters that mean something for this report (the others are ignored).
    filters: tuple[str, ...] = ("team", "service", "kind", "priority")

    def build(self, period, filters, *, limit=..., now=None):
        kwargs = {"now": now or timezone.now()}
        if limit is not ...:
            kwargs["limit"] = limit
        return self.module.build(period, filters, **kwargs)

    def headline(self, current, previous, filters, now=None):
        return self.module.headline_figures(current, previous, filters, now=now)

    @property
    def reads_tickets(self) -> bool:
        """Its headline comes from the shared ticket read (figures.headline)."""
        return hasattr(self.module, "needs")


REPORTS = {r.key: r for r in (
    ReportInfo("sla", sla.TITLE, "bi-stopwatch",
               "Share of tickets meeting their first response and resolution targets.", sla),
    ReportInfo("times", times.TITLE, "bi-hourglass-split",
               "How long users wait: MTTA and MTTR, mean, median and 90th percentile.", times),
    ReportInfo("volume", volume.TITLE, "bi-bar-chart-line",
               "Created vs resolved, backlog, age of open tickets, reopen rate, categories.",
               volume),
    ReportInfo("availability", availability.TITLE, "bi-activity",
               "Uptime, planned and unplanned downtime, outages, MTBF and MTTR.", availability,
               filters=("team", "service")),
    ReportInfo("work", work.TITLE, "bi-shuffle",
               "Work items and time by origin; incidents before and after preventive plans.",
               work),
    ReportInfo("maintenance", maintenance.TITLE, "bi-tools",
               "Plans done on time, late or skipped; overdue patches by severity.",
               maintenance, filters=("team", "service")),
    ReportInfo("satisfaction", satisfaction.TITLE, "bi-emoji-smile",
               "Average rating and response rate by team; recent comments.", satisfaction),
    ReportInfo("workload", workload.TITLE, "bi-people",
               "Open items per person, resolved per week, time logged.", workload),
    ReportInfo("knowledge", knowledge.TITLE, "bi-lightbulb",
               "Deflection rate, helpful answers, tickets resolved with an article, searches "
               "with no good result, articles due for review.", knowledge,
               filters=("team", "service")),
    ReportInfo("problems", problems.TITLE, "bi-bug",
               "Repeat incidents, known errors, time to root cause, problems opened and "
               "closed, and the proactive share of effort.", problems,
               filters=("team", "service")),
    ReportInfo("capacity", capacity.TITLE, "bi-hdd-stack",
               "Capacity tickets raised, acted on before the ETA, and misses, per month.",
               capacity, filters=("team", "service")),
)}
