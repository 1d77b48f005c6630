"""The reports router and `replica.figures` with no replica configured."""

from reports import replica
from tickets.models import Ticket


def test_without_a_replica_figures_come_from_the_primary(db):
    result, freshness = replica.figures(lambda: Ticket.objects.count())
    assert (result, freshness.source, freshness.as_of) == (0, "primary", None)


def test_the_router_sends_only_reads_inside_figures_to_the_replica():
    router = replica.ReportsRouter()
    assert router.db_for_read(Ticket) is None
    token = replica._reading.set(replica.ALIAS)
    try:
        assert router.db_for_read(Ticket) == replica.ALIAS
        assert router.db_for_write(Ticket) == "default"
    finally:
        replica._reading.reset(token)
    assert not router.allow_migrate(replica.ALIAS, "tickets")
