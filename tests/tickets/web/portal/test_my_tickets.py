"""My tickets in the portal: only my own, filters, paging, empty states, query count."""

from django.db import connection

from tests.factories import make_ticket
from tests.tickets.web.portal.helpers import url
from tickets import services
from tickets.models import Status


def test_my_tickets_lists_only_my_own_tickets_newest_first(alice, bob, dee, client_for):
    older = make_ticket(alice, title="Alice older")
    newer = make_ticket(alice, title="Alice newer")
    make_ticket(bob, title="Bob's printer")
    make_ticket(dee, title="Dee's own laptop")

    response = client_for(alice).get(url("home"))
    assert [t.title for t in response.context["page"]] == [newer.title, older.title]
    html = response.content.decode()
    assert html.index(newer.title) < html.index(older.title)
    assert "printer" not in html and "laptop" not in html

    dee_page = client_for(dee).get(url("home"))
    assert [t.title for t in dee_page.context["page"]] == ["Dee's own laptop"]


def test_my_tickets_are_ordered_by_last_activity(alice, dee, client_for):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    start = timezone.now() - timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        quiet_old = make_ticket(alice, title="Filed first, answered last")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        make_ticket(alice, title="Filed second, no news")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        services.comment_add(ticket=quiet_old, actor=dee, body="Here is the fix.")
    response = client_for(alice).get(url("home"))
    assert [t.title for t in response.context["page"]] == ["Filed first, answered last",
                                                           "Filed second, no news"]


def test_my_tickets_can_show_open_or_resolved_ones(alice, dee, client_for):
    open_ticket = make_ticket(alice, title="Still broken")
    done = make_ticket(alice, title="All good now")
    services.ticket_transition(ticket=done, actor=dee, to=Status.RESOLVED)
    client = client_for(alice)

    def titles(show):
        return [t.title for t in client.get(url("home"), {"show": show}).context["page"]]

    assert titles("open") == [open_ticket.title]
    assert titles("resolved") == [done.title]
    assert set(titles("all")) == {open_ticket.title, done.title}
    assert set(titles("nonsense")) == {open_ticket.title, done.title}


def test_my_tickets_pages_by_25(alice, client_for):
    for n in range(27):
        make_ticket(alice, title=f"Ticket {n}")
    first = client_for(alice).get(url("home"))
    second = client_for(alice).get(url("home"), {"page": 2})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 2
    assert "page=2" in first.content.decode()


def test_an_empty_list_invites_to_report_a_problem(alice, client_for):
    response = client_for(alice).get(url("home"))
    html = response.content.decode()
    assert "You have not reported anything yet" in html
    assert f'href="{url("new")}"' in html


def test_an_empty_filter_offers_to_show_all(alice, client_for):
    make_ticket(alice)
    html = client_for(alice).get(url("home"), {"show": "resolved"}).content.decode()
    assert "No resolved or closed tickets" in html
    assert "You have not reported anything yet" not in html


def test_my_tickets_query_count_does_not_grow_with_the_number_of_tickets(
        alice, client_for, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("home")).status_code == 200
        return len(captured)

    queries_for_list()  # fills the per-process caches (itsm.performance.config_cache)
    for _ in range(5):
        make_ticket(alice)
    with_5 = queries_for_list()
    for _ in range(25):
        make_ticket(alice)
    with_30 = queries_for_list()
    assert with_30 == with_5
    with django_assert_max_num_queries(with_5):
        client.get(url("home"))


# Access
