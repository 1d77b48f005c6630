"""Tab badges count exactly what their tab lists, for every role that sees the desk."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.web.paging import CappedPaginator
from tests.factories import TeamFactory, make_ticket
from tests.tickets.facts.helpers import fact_rows
from tickets.models import Level, OpenTicketFact
from tickets.services.rebuild import facts_open_rebuild
from tickets.web.desk.queue import BADGES

QUEUE = reverse("desk:queue")
FRIDAY = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)  # breached by Monday
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # at risk at 12:30 (due 13:00)
LATER = datetime(2026, 3, 9, 11, 0, tzinfo=UTC)  # on time
AFTERNOON = datetime(2026, 3, 9, 12, 30, tzinfo=UTC)


@pytest.fixture
def desk(alice, bob, dee, dan, team):
    """Tickets in and out of dee's teams, mine and others', on time, at risk, breached."""
    network = TeamFactory(name="Network")
    network.members.add(dan)
    made = []
    for moment, team_of, assignee in [
            (FRIDAY, team, None), (FRIDAY, network, None), (FRIDAY, team, dee),
            (MONDAY, team, None), (MONDAY, network, dan), (MONDAY, network, None),
            (MONDAY, team, dee), (LATER, team, None), (LATER, network, None)]:
        with time_machine.travel(moment, tick=False):
            made.append(make_ticket(alice, title=f"{moment:%a %H} for {team_of}", team=team_of,
                                    assignee=assignee, impact=Level.MEDIUM,
                                    urgency=Level.MEDIUM))
    return made


def listed(client, view: str, **params) -> tuple[str, int]:
    with time_machine.travel(AFTERNOON, tick=False):
        response = client.get(QUEUE, {"view": view, **params})
    assert response.status_code == 200
    return response.context["counters"][view], response.context["page"].paginator.count


@pytest.mark.parametrize("persona", ["dee", "dan", "manny", "ada"])
@pytest.mark.parametrize("view", BADGES)
def test_each_badge_equals_the_number_of_rows_its_tab_lists(request, client_for, desk, persona,
                                                            view):
    client = client_for(request.getfixturevalue(persona))
    badge, rows = listed(client, view)
    assert badge == str(rows)


@pytest.mark.parametrize("params", [{"priority": "3"}, {"team": "network"}, {"status": "new"},
                                    {"assignee": "none"}])
def test_badges_follow_the_filters_the_tabs_keep(client_for, dee, desk, params):
    client = client_for(dee)
    if params.get("team"):
        params = {"team": str(desk[1].team_id)}
    for view in BADGES:
        badge, rows = listed(client, view, **params)
        assert badge == str(rows), view


def test_the_badges_see_every_open_ticket_not_only_my_teams(client_for, dee, desk):
    # The at-risk and breached tabs list every visible ticket; so do their badges.
    with time_machine.travel(AFTERNOON, tick=False):
        counters = client_for(dee).get(QUEUE).context["counters"]
    assert counters == {"mine": "2", "unassigned": "3", "at_risk": "4", "breached": "3"}


def test_a_search_drops_the_badges_rather_than_show_counts_of_something_else(client_for,
                                                                           dee, desk):
    response = client_for(dee).get(QUEUE, {"view": "open", "q": "Network"})
    assert response.context["counters"] == {}
    assert 'badge rounded-pill' not in response.content.decode()


def test_a_badge_stays_exact_past_the_pagers_cap(client_for, dee, desk, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    with time_machine.travel(AFTERNOON, tick=False):
        response = client_for(dee).get(QUEUE, {"view": "unassigned"})
    assert response.context["counters"]["unassigned"] == "3"
    assert response.context["page"].paginator.capped  # the pager still stops at its cap


def _counting(queries) -> tuple[list, list]:
    """The COUNTs over tickets and the sums of the maintained open counts."""
    sqls = [q["sql"] for q in queries.captured_queries]
    return ([s for s in sqls if "COUNT(" in s.upper()],
            [s for s in sqls if "tickets_openticketfact" in s])


def test_the_badges_cost_one_query_each(client_for, dee, desk):
    client = client_for(dee)
    client.get(QUEUE)  # warm the session and the caches
    with time_machine.travel(AFTERNOON, tick=False), CaptureQueriesContext(connection) as queries:
        client.get(QUEUE, {"view": "open"})
    counts, sums = _counting(queries)
    # Mine and unassigned from the open counts; at risk, breached and the pager count.
    assert (len(counts), len(sums)) == (len(BADGES) - 2 + 1, 2)


FACT_PARAMS = [{}, {"status": ["new", "waiting"]}, {"priority": ["2", "3"]},
               {"kind": "incident"}, {"kind": ["request", "incident"], "priority": "3"},
               {"assignee": "none"}, {"assignee": "dee"}, {"service": "1"}, {"category": "1"},
               {"team": "1", "status": "new"}]
COUNTED_PARAMS = [{"status": ["new", "resolved"]}, {"requester": "alice"}, {"team": "x"}]


@pytest.mark.parametrize("params", FACT_PARAMS + COUNTED_PARAMS)
@pytest.mark.parametrize("persona", ["dee", "manny"])
@pytest.mark.parametrize("view", ["mine", "unassigned"])
def test_a_badge_from_the_open_counts_equals_its_tab(request, client_for, desk, persona,
                                                     view, params):
    user = request.getfixturevalue(persona)
    from_facts = params in FACT_PARAMS
    ids = {"dee": str(user.pk), "alice": str(desk[0].requester_id)}
    params = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        badge, rows = listed(client, view, **params)
    assert badge == str(rows)
    counts, _sums = _counting(queries)
    # Filters all over the open counts' columns read them; others count the tickets for
    # every badge. Plus the pager's COUNT.
    assert len(counts) == (2 if from_facts else len(BADGES)) + 1, params


@pytest.mark.parametrize("assignee", ["banana", "99999999999999999999"])
def test_an_assignee_nobody_can_be_shows_no_tickets_and_zero_badges(client_for, dee, desk,
                                                                    assignee):
    for view in ("mine", "unassigned"):
        assert listed(client_for(dee), view, assignee=assignee) == ("0", 0)


def test_the_badges_count_the_tickets_while_the_facts_are_off(client_for, dee, desk,
                                                             settings):
    settings.TEND_REPORT_FACTS = False
    OpenTicketFact.objects.all().delete()  # wrong while off: never read
    for view in ("mine", "unassigned"):
        badge, rows = listed(client_for(dee), view)
        assert badge == str(rows) != "0"


def test_deleting_a_person_or_team_recounts_the_open_tickets_they_held(client_for, ada, dee,
                                                                      desk):
    from itsm.services.directory import team_delete, user_delete

    user_delete(actor=ada, user=dee)  # dee's open tickets are unassigned now
    team_delete(actor=ada, team=desk[1].team)
    assert open_counts() == rebuilt_open_counts()


def open_counts() -> dict:
    return {key: sums for key, sums in fact_rows().items() if key[0] == "open"}


def rebuilt_open_counts() -> dict:
    before = open_counts()
    facts_open_rebuild()
    assert open_counts(), "nothing open: the comparison would prove nothing"
    return before and open_counts()
