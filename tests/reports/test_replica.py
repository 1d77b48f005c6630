"""Reports on a streaming replica: routed there only inside `replica.figures`, served from
the primary when the replica is down or dies mid-report, dated when it lags.

The hot standby is real: made with pg_basebackup from the test cluster and started on
another 127.0.0.1 port (tests/reports/standby.py)."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from reports import replica
from tests.factories import make_ticket
from tests.reports.standby import Standby, alias_pointing_at, standby_or_skip
from tests.waiting import wait_for
from tickets.models import Ticket

# The reports alias exists before each test's database set-up (module scope), so Django
# lets the test use it; it is a mirror of the test database, so nothing flushes it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True,
                                   databases=["default", replica.ALIAS])


@pytest.fixture(scope="module", autouse=True)
def _reports_alias(django_db_setup, django_db_blocker):
    alias_pointing_at(1)
    yield
    with django_db_blocker.unblock():
        connections[replica.ALIAS].close()
    del connections[replica.ALIAS]
    del connections.settings[replica.ALIAS]
    replica.forget()


@pytest.fixture
def reports_alias():
    def point(port: int):
        connections[replica.ALIAS].close()
        connections[replica.ALIAS].settings_dict["PORT"] = port
        replica.forget()

    yield point
    connections[replica.ALIAS].close()
    replica.forget()


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = standby_or_skip()
    yield server
    server.stop()


def _count_on(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        return cursor.fetchone()[0]


def test_a_replica_that_does_not_answer_leaves_the_reports_on_the_primary(
        postgres, reports_alias, client_for, manny, alice):
    reports_alias(port=1)  # nothing listens there: connection refused
    make_ticket(alice)
    response = client_for(manny).get("/reports/volume/?preset=7d")
    assert response.status_code == 200
    assert b"Figures as of" not in response.content
    result, freshness = replica.figures(lambda: Ticket.objects.count())
    assert (result, freshness.source) == (1, "primary")


def test_reports_read_the_standby_say_when_it_lags_and_survive_it_going_away(
        postgres, standby: Standby, reports_alias, client_for, manny, alice, settings):
    make_ticket(alice, title="Counted on the replica")
    reports_alias(port=standby.port)
    wait_for(lambda: _count_on(replica.ALIAS) == 1, seconds=30)

    with CaptureQueriesContext(connections[replica.ALIAS]) as on_replica, \
            CaptureQueriesContext(connection) as on_primary:
        response = client_for(manny).get("/reports/volume/?preset=7d")
    assert response.status_code == 200
    report_reads = [q for q in on_replica.captured_queries if "tickets_ticket" in q["sql"]]
    assert report_reads, "the report's figures were not read on the replica"
    assert not [q for q in on_primary.captured_queries
                if '"tickets_ticket"' in q["sql"] and "GROUP BY" in q["sql"]]
    assert b"Figures as of" not in response.content

    # Replay paused: the primary moves on, the replica's figures are dated.
    standby.sql("SELECT pg_wal_replay_pause()")
    make_ticket(alice, title="Not replayed yet")
    wait_for(standby.behind, seconds=30)
    settings.TEND_REPORTS_LAG_NOTICE_SECONDS = 0
    replica.forget()
    result, freshness = replica.figures(lambda: Ticket.objects.count())
    assert (result, freshness.source) == (1, "replica")
    assert freshness.as_of is not None
    response = client_for(manny).get("/reports/volume/?preset=7d")
    assert b"Figures as of" in response.content
    api = client_for(manny).get("/api/v1/reports/volume/?preset=7d")
    assert api.status_code == 200 and api.headers["X-Figures-As-Of"]
    standby.sql("SELECT pg_wal_replay_resume()")

    # The replica dies in the middle of a report: the report is read again on the primary.
    def report_during_which_the_replica_stops():
        first = Ticket.objects.count()
        if connections[replica.ALIAS].connection is not None:
            standby.stop()
        return first, Ticket.objects.filter(title="Not replayed yet").count()

    replica.forget()
    (_, found), freshness = replica.figures(report_during_which_the_replica_stops)
    assert (found, freshness.source) == (1, "primary")
    response = client_for(manny).get("/reports/volume/?preset=7d")
    assert response.status_code == 200
    assert b"Figures as of" not in response.content
