"""manage.py rebuild_report_facts, percentiles read from the facts, filings at once."""

from collections import Counter
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from reports.sql import interpolate
from tests.concurrency import at_once
from tests.factories import TeamFactory, UserFactory, make_ticket
from tickets import services
from tickets.facts import percentile
from tickets.models import DurationHistogram, Metric, Status, Ticket, TicketDayFact
from tickets.services.fold import facts_fold

from .helpers import fact_rows


def at(day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(2026, 4, day, hour, 0))


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-13-01"], "--from must be a date as YYYY-MM-DD"),
    (["--to", "yesterday"], "--to must be a date as YYYY-MM-DD"),
    (["--from", "2026-04-05", "--to", "2026-04-01"], "is after --to"),
])
def test_bad_dates_are_refused_with_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rebuild_report_facts", *args)


def test_it_prints_a_line_per_stretch_and_restores_lost_facts(alice, dee):
    ticket = make_ticket(alice, now=at(1))
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED, now=at(3))
    kept = fact_rows()
    TicketDayFact.objects.all().delete()
    out = StringIO()
    call_command("rebuild_report_facts", stdout=out)
    assert "2026-04-01 – 2026-04-03: " in out.getvalue()
    assert "Rebuilt 1 stretch(es)" in out.getvalue()
    assert fact_rows() == kept


def test_a_range_recomputes_only_its_own_days(alice, dee):
    make_ticket(alice, now=at(1))
    make_ticket(alice, now=at(2))
    TicketDayFact.objects.update(created=7)
    call_command("rebuild_report_facts", "--from", "2026-04-02", "--to", "2026-04-02",
                 stdout=StringIO())
    assert dict(TicketDayFact.objects.values_list("day", "created")) == {
        at(1).date(): 7, at(2).date(): 1}


def test_the_median_and_p90_from_the_facts_are_within_one_percent(alice, dee):
    hours = [1.3, 2, 2.5, 7, 11, 26, 30, 49, 50.5, 77, 120, 121, 300]
    for n, h in enumerate(hours):
        ticket = make_ticket(alice, now=at(1) + timedelta(minutes=n))
        services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED,
                                   now=at(1) + timedelta(minutes=n, hours=h))
    exact = sorted((t.resolved_at - t.created_at).total_seconds()
                   for t in Ticket.objects.all())
    counts = Counter(dict(DurationHistogram.objects.filter(metric=Metric.RESOLUTION_WALL)
                          .values("bucket").annotate(total=Sum("n"))
                          .values_list("bucket", "total")))
    for fraction in (0.5, 0.9):
        assert percentile(counts, fraction) == pytest.approx(interpolate(exact, fraction),
                                                              rel=0.01)
    total = TicketDayFact.objects.aggregate(n=Sum("resolution_wall_n"),
                                            us=Sum("resolution_wall_us"))
    assert total["us"] / total["n"] / 1e6 == pytest.approx(sum(exact) / len(exact), abs=1e-6)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filings_at_the_same_moment_lose_no_count(postgres):
    # Committed transactions on their own connections: nothing here is rolled back, so
    # the people are made here, not by the (transactional) persona fixtures.
    alice = UserFactory(username="alice", role="End user")
    TeamFactory(name=settings.TEND_TRIAGE_TEAM)
    moment = at(5)
    results, errors = at_once(lambda: make_ticket(alice, now=moment), times=4)
    assert errors == []
    assert sum(TicketDayFact.objects.values_list("created", flat=True)) == 4
    facts_fold()
    assert TicketDayFact.objects.get().created == 4
