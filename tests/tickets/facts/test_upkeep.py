"""The ticket services keep the report facts in the transaction of each change."""

from datetime import datetime, timedelta

from django.utils import timezone

from tests.factories import TeamFactory, make_ticket
from tickets import services
from tickets.models import (
    DurationHistogram,
    Metric,
    Status,
    TicketAssigneeFact,
    TicketCategoryFact,
    TicketDayFact,
    TimeLoggedFact,
)
from tickets.services.fold import facts_fold

from .helpers import day_totals, fact_rows, rebuilt_rows


def at(day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(2026, 3, day, hour, 0))


def test_filing_counts_a_ticket_on_its_day_team_and_category(alice, team, category):
    make_ticket(alice, category=category, now=at(2))
    make_ticket(alice, category=category, now=at(2, 15))
    assert TicketDayFact.objects.filter(folded=False).count() == 2  # appended, one each
    assert facts_fold() == 6  # two day rows, two category rows, two open counts
    fact = TicketDayFact.objects.get()
    assert (fact.day, fact.team_id, fact.kind, fact.priority, fact.source, fact.created) == (
        at(2).date(), team.pk, "incident", 3, "portal", 2)
    assert TicketCategoryFact.objects.get().category_id == category.pk
    assert TicketCategoryFact.objects.get().created == 2


def test_resolving_counts_outcomes_durations_and_the_assignee(alice, dee):
    ticket = make_ticket(alice, now=at(2))
    services.comment_add(ticket=ticket, actor=dee, body="On it", now=at(2, 10))
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED, now=at(3))
    services.ticket_rate(ticket=ticket, actor=alice, rating=4, now=at(3, 12))
    resolved = day_totals(day=at(3).date())
    assert resolved == {"resolved": 1, "rated_4": 1, "response_wall_n": 1,
                        "response_wall_us": 3600 * 10**6, "resolution_wall_n": 1,
                        "resolution_wall_us": 24 * 3600 * 10**6,
                        **{k: v for k, v in resolved.items() if "counted" in k
                           or "met" in k or "business" in k}}
    assert day_totals(day=at(2).date())["responded"] == 1
    assert set(DurationHistogram.objects.values_list("metric", flat=True)) >= {
        Metric.RESPONSE_WALL, Metric.RESOLUTION_WALL}
    assert sum(TicketAssigneeFact.objects.values_list("resolved", flat=True)) == 1
    assert fact_rows() == rebuilt_rows()


def test_a_reopened_ticket_stops_counting_as_resolved_until_resolved_again(alice, dee):
    ticket = make_ticket(alice, now=at(2))
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED, now=at(3))
    services.ticket_transition(ticket=ticket, actor=alice, to=Status.IN_PROGRESS,
                               note="Still broken", now=at(4))
    assert "resolved" not in day_totals()
    assert not [target for target in fact_rows() if target[0] == "histogram"]
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED, now=at(5))
    assert day_totals(day=at(5).date())["reopened"] == 1
    assert fact_rows() == rebuilt_rows()


def test_a_team_change_moves_every_contribution_and_the_time_logged(alice, dee, team):
    other = TeamFactory(name="Network")
    other.members.add(dee)
    ticket = make_ticket(alice, now=at(2))
    services.time_log(ticket=ticket, actor=dee, minutes=30, now=at(2, 11))
    assert TimeLoggedFact.objects.get(team_id=team.pk).minutes == 30
    services.ticket_update(ticket=ticket, actor=dee, team=other, now=at(3))
    facts_fold()
    assert not TimeLoggedFact.objects.filter(team_id=team.pk).exists()  # summed to zero
    assert TimeLoggedFact.objects.get(team_id=other.pk).minutes == 30
    assert day_totals(team_id=other.pk) == {"created": 1}
    assert day_totals(team_id=team.pk) == {}
    assert fact_rows() == rebuilt_rows()


def test_cancelling_counts_on_the_day_of_the_last_change(alice, dee):
    ticket = make_ticket(alice, now=at(2))
    services.ticket_transition(ticket=ticket, actor=alice, to=Status.CANCELLED, now=at(3))
    assert day_totals(day=at(3).date()) == {"cancelled": 1}
    services.comment_add(ticket=ticket, actor=dee, body="noted", internal=True, now=at(6))
    assert day_totals(day=at(6).date()) == {"cancelled": 1}
    assert fact_rows() == rebuilt_rows()


def test_auto_close_and_the_sweep_count_through_their_set_based_writes(alice, dee, settings):
    from tickets.services.sla.sweep import sla_sweep

    ticket = make_ticket(alice, now=at(2))
    services.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED, now=at(3))
    services.tickets_auto_close(now=at(3) + timedelta(days=settings.TEND_AUTO_CLOSE_DAYS + 1))
    assert day_totals()["closed"] == 1
    late = make_ticket(alice, now=at(10))
    late.refresh_from_db()
    assert late.response_due_at is not None  # the default policies (migration 0005)
    sla_sweep(now=late.resolution_due_at + timedelta(days=30))
    assert day_totals()["response_breaches"] == 1
    assert day_totals()["resolution_breaches"] == 1
    assert fact_rows() == rebuilt_rows()


def test_with_the_upkeep_off_nothing_is_written_and_the_rebuild_catches_up(alice, settings):
    settings.TEND_REPORT_FACTS = False
    make_ticket(alice, now=at(2))
    assert not TicketDayFact.objects.exists()
    assert rebuilt_rows() != {}
