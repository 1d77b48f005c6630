"""The headline figures of every report, with the previous period of equal length."""

from dataclasses import dataclass

from django.utils import timezone

from reports.figures import headline
from reports.registry import REPORTS, ReportInfo
from reports.tables import Figure


@dataclass
class Card:
    info: ReportInfo
    figures: list[Figure]


def headlines(period, filters, now=None) -> list[Card]:
    """Ticket figures from one read of each population (figures.headline); availability
    and maintenance from their own tables."""
    now = now or timezone.now()
    previous = period.previous()
    readers = [info for info in REPORTS.values() if info.reads_tickets]
    found = headline.gather([info.module.needs() for info in readers], filters, previous,
                            period, now)
    cards = []
    for info in REPORTS.values():
        if info.reads_tickets:
            figures = info.module.from_found(found, period, previous, filters, now)
        else:
            figures = info.headline(period, previous, filters, now=now)
        cards.append(Card(info, figures))
    return cards
