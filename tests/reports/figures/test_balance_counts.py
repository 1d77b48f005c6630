"""The balance counts (reports.figures.balance.read) equal their definitions worked out one
incident at a time, on a mixed history: incidents near local midnight in a time zone far
from UTC (the incident count comes from the day facts, the repeats from the link tables),
groups whose earliest member is another team's incident or not an incident at all, known
errors published between two incidents, and time logged on every kind of work."""

import random
from datetime import timedelta

import pytest

from problems.models import Problem, ProblemIncident, Proposal, Rule, Stage
from reports import buckets
from reports.figures import balance
from reports.params import Filters
from tests.reports.conftest import period, utc
from tickets.models import Kind, Ticket, TimeEntry
from tickets.services.worklog import time_log

pytestmark = pytest.mark.django_db
ZONE = "Pacific/Auckland"  # UTC+13 in March: a local day starts at 11:00 UTC the day before
DAILY = period((2026, 3, 1), (2026, 3, 7))
WEEKLY = period((2026, 2, 1), (2026, 3, 31))
KINDS = (Kind.INCIDENT,) * 5 + (Kind.REQUEST, Kind.MAINTENANCE, Kind.PROBLEM)


@pytest.fixture
def history(settings, build, team, network, dee):
    settings.TIME_ZONE = ZONE
    rng = random.Random(18)
    start = utc(2025, 12, 1)
    tickets = []
    for n in range(70):
        # Half around the daily week, half over four months; every few tickets on the stroke
        # of a local midnight, give or take a minute.
        day = rng.randrange(81, 98) if n % 2 else rng.randrange(120)
        moment = start + timedelta(days=day, minutes=11 * 60 + rng.choice((-1, 0, 1))
                                   if n % 3 == 0 else rng.randrange(1440))
        tickets.append(build(moment, kind=rng.choice(KINDS), team=rng.choice((team, network)),
                             title=f"Ticket {n}"))
    hosts = [t for t in tickets if t.kind == Kind.PROBLEM][:4]
    problems = [Problem.objects.create(
        ticket=host, stage=Stage.KNOWN_ERROR,
        known_error_at=start + timedelta(days=25 * n + 40) if n % 2 else None)
        for n, host in enumerate(hosts)]
    proposals = [Proposal.objects.create(rule=Rule.TITLE, key=f"title:{n}", title=f"C{n}")
                 for n in range(3)]
    for ticket in rng.sample(tickets, 45):
        for problem in rng.sample(problems, rng.choice((0, 1, 1, 2))):
            ProblemIncident.objects.create(problem=problem, incident=ticket)
        for proposal in rng.sample(proposals, rng.choice((0, 1))):
            proposal.incidents.add(ticket)
    for ticket in rng.sample(tickets, 25):
        time_log(ticket=ticket, actor=dee, minutes=rng.randrange(5, 120),
                 now=max(ticket.created_at, start) + timedelta(minutes=rng.randrange(60 * 24 * 9)))
    return tickets


def expected(filters, since, chosen, trend) -> tuple[dict, dict]:
    """The counts per slot, each incident and entry tested on its own."""
    edges = [chosen.start, *(b.end for b in trend)]

    def slot(moment):
        if moment < chosen.start:
            return buckets.BEFORE_SLOT
        return next(n for n, end in enumerate(edges[1:]) if moment < end)

    def counted(ticket):
        return ((filters.team is None or ticket.team_id == filters.team.pk)
                and since <= ticket.created_at < chosen.end)

    found: dict = {}
    for incident in Ticket.objects.filter(kind=Kind.INCIDENT):
        if not counted(incident):
            continue
        links = list(ProblemIncident.objects.filter(incident=incident).select_related("problem"))
        others = [link.incident.created_at for problem in {link.problem for link in links}
                  for link in problem.incident_links.select_related("incident")]
        others += [t.created_at for proposal in incident.proposals.all()
                   for t in proposal.incidents.all()]
        row = found.setdefault(slot(incident.created_at), dict.fromkeys(
            balance.NAMES[balance.INCIDENTS], 0))
        row["incidents"] += 1
        row["repeats"] += any(at < incident.created_at for at in others)
        row["explained"] += bool(links)
        row["after_known_error"] += any(
            link.problem.known_error_at is not None
            and link.problem.known_error_at < incident.created_at for link in links)
    effort: dict = {}
    for entry in TimeEntry.objects.select_related("ticket"):
        if ((filters.team is None or entry.ticket.team_id == filters.team.pk)
                and since <= entry.created_at < chosen.end):
            row = effort.setdefault(slot(entry.created_at), {"minutes": 0, "proactive": 0})
            row["minutes"] += entry.minutes
            row["proactive"] += entry.minutes * (entry.ticket.kind in balance.PROACTIVE_KINDS)
    return found, effort


def nonzero(slots: dict) -> dict:
    return {slot: values for slot, values in slots.items() if any(values.values())}


@pytest.mark.parametrize("chosen", [DAILY, WEEKLY], ids=["daily", "weekly"])
@pytest.mark.parametrize("by_team", [False, True], ids=["all", "team"])
def test_the_counts_per_slot_are_the_definitions(history, network, chosen, by_team):
    filters = Filters(team=network if by_team else None)
    trend = buckets.of(chosen)
    previous = chosen.previous()
    read = balance.read(filters, previous.first_day, chosen, trend,
                        parts=(balance.INCIDENTS, balance.EFFORT))
    incidents, effort = expected(filters, previous.start, chosen, trend)
    assert sum(row["repeats"] for row in incidents.values()) > 0  # the history has some
    assert nonzero(read[balance.INCIDENTS]) == incidents
    assert nonzero(read[balance.EFFORT]) == effort


def test_the_lists_are_the_incidents_counted(history):
    trend = buckets.of(WEEKLY)
    read = balance.read(Filters(), WEEKLY.first_day, WEEKLY, trend,
                        parts=(balance.INCIDENTS,))[balance.INCIDENTS]
    repeats = balance.linked(Filters(), WEEKLY.start, WEEKLY.end).filter(balance.repeat())
    after = balance.explained_incidents(Filters(), WEEKLY.start, WEEKLY.end).filter(
        balance.after_known_error())
    assert repeats.count() == balance.total(read, "repeats", range(len(trend)))
    assert after.count() == balance.total(read, "after_known_error", range(len(trend)))
