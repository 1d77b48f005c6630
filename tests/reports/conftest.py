"""Hand-built data for the report figures: tickets put exactly where a test wants them.

`build(created, **fields)` files a ticket through tickets.services at `created` (so it is
numbered and timed like any other), then sets the outcome fields the test names directly:
the figures read those fields, and how services reach them is tested in tests/tickets.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from reports.params import Filters, Period
from tests.factories import TeamFactory, make_ticket
from tickets.models import Ticket

CREATE_FIELDS = {"kind", "source", "team", "service", "category", "priority", "impact",
                 "urgency", "title", "requester", "asset"}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def period(first: tuple, last: tuple) -> Period:
    return Period(date(*first), date(*last))


NO_FILTERS = Filters()
H = 3600.0  # seconds in an hour, for expected values written as arithmetic


@pytest.fixture(autouse=True)
def facts_from_tickets(request, monkeypatch):
    """The tests put tickets' outcome fields (and time entries) straight into the rows, past
    the services that keep the report facts; so the facts are recomputed from the tickets
    (`rebuild_report_facts`, what the property test in tests/tickets/facts holds equal to
    the maintained facts) before each read. The rebuild's own statements are taken out of
    the query log, so query-count assertions see only what the report runs."""
    from django.db import connections

    from reports import facts
    from tickets.services.rebuild import facts_rebuild

    read = facts.rows

    def rebuilt_then_read(*args, **kwargs):
        connection = connections["default"]
        before = len(connection.queries_log)
        facts_rebuild()
        while len(connection.queries_log) > before:
            connection.queries_log.pop()
        return read(*args, **kwargs)

    monkeypatch.setattr(facts, "rows", rebuilt_then_read)


@pytest.fixture
def network(db):
    return TeamFactory(name="Network")


@pytest.fixture
def build(alice):
    def make(created: datetime, **fields) -> Ticket:
        create = {k: fields.pop(k) for k in list(fields) if k in CREATE_FIELDS}
        requester = create.pop("requester", alice)
        create.setdefault("title", "Report test ticket")
        with time_machine.travel(created, tick=False):
            ticket = make_ticket(requester, **create)
        if fields:
            Ticket.objects.filter(pk=ticket.pk).update(**fields)
            ticket.refresh_from_db()
        return ticket

    return make


# The knowledge report's week, for the figure, page and API tests alike. Imported last: it
# builds on the helpers above.
from tests.reports.knowledge_week import kb  # noqa: E402, F401
