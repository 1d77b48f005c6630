"""The capacity board: who sees it, the order, the words, the filters, the query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capacity.models import Series
from capacity.selectors.board import amount, eta_words, growth_words
from itsm.models import Service
from tests.capacity.web.data import GB, follow_up, make_asset, make_series

BOARD = "capacity:board"


def test_roles(client_for, alice, manny, dee, db):
    url = reverse(BOARD)
    assert client_for(alice).get(url).status_code == 403
    assert client_for(manny).get(url).status_code == 200
    assert client_for(dee).get(url).status_code == 200


def test_earliest_eta_first_learning_apart_and_ticket_linked(client_for, dee, alice, db):
    now = timezone.now()
    asset = make_asset()
    late = make_series(asset, name="/srv", state="warning", eta_earliest=now + timedelta(days=30),
                       eta_latest=now + timedelta(days=40))
    soon = make_series(asset, name="/var", state="critical",
                       eta_earliest=now + timedelta(days=9), eta_likely=now + timedelta(days=10),
                       eta_latest=now + timedelta(days=12, hours=1),
                       slope=2 * GB, last_value=400 * GB, threshold_value=450 * GB)
    make_series(asset, kind="memory", name="", unit="percent", state="learning")
    make_series(asset, kind="fs_size", name="/var")  # read with fs_used, never a row
    up = follow_up(soon, alice, opened_at=now)
    body = client_for(dee).get(reverse(BOARD)).content.decode()
    forecast, learning = body.split('id="forecast-heading"')[1].split('id="learning-heading"')
    assert forecast.index("/var") < forecast.index("/srv")
    assert "in 9–12 days" in forecast and "+2.0 GB/day" in forecast
    assert "400.0 GB / 450.0 GB" in forecast and up.ticket.ref in forecast
    assert "Memory used" in learning and "Memory used" not in forecast
    assert "Filesystem size" not in body
    assert late.pk and Series.objects.count() == 4


def test_filters(client_for, dee, team, db):
    mail = Service.objects.create(name="Mail", owner_team=team)
    make_series(make_asset("mx-01", service=mail), state="ok")
    make_series(make_asset("web-01"), state="ok", kind="memory", name="", unit="percent")
    get = lambda **q: client_for(dee).get(reverse(BOARD), q).content.decode()  # noqa: E731
    assert "mx-01" in get(service=mail.pk) and "web-01" not in get(service=mail.pk)
    assert "mx-01" in get(team=team.pk) and "web-01" not in get(team=team.pk)
    assert "web-01" in get(kind="memory") and "mx-01" not in get(kind="memory")
    assert "mx-01" not in get(state="critical")
    assert "mx-01" in get(kind="nonsense", state="bogus")  # unknown values are ignored


def test_query_count_does_not_grow_with_rows(client_for, dee, alice, django_assert_max_num_queries,
                                             db):
    now = timezone.now()
    for n in range(12):
        series = make_series(make_asset(f"host-{n:02}"), state="warning",
                             eta_earliest=now + timedelta(days=n + 1))
        if n % 2:
            follow_up(series, alice, opened_at=now)
    client = client_for(dee)
    client.get(reverse(BOARD))  # the session settles on the first request
    # session, user and permissions, series with asset/service/team, open follow-ups
    # with tickets, services and teams for the filters, the banner: fixed, whatever the rows.
    with django_assert_max_num_queries(12):
        response = client.get(reverse(BOARD))
    assert response.content.decode().count("host-") >= 12


def test_words(db):
    now = timezone.now()
    s = Series(state="warning", eta_earliest=now + timedelta(hours=5, minutes=10),
               eta_latest=now + timedelta(hours=9))
    assert eta_words(s, now=now) == "in 5–9 h"
    s.eta_latest = None
    assert eta_words(s, now=now) == "in 5+ h"
    s.eta_earliest = now - timedelta(minutes=1)
    assert eta_words(s, now=now) == "now"
    assert eta_words(Series(state="full"), now=now) == "full now"
    assert eta_words(Series(state="ok"), now=now) == ""
    assert growth_words(1.5 * GB, "bytes") == "+1.5 GB/day"
    assert growth_words(-0.25, "percent") == "−0.25 %/day"
    assert growth_words(None, "bytes") == "—"
    assert amount(0.5, "ratio") == "50.0 %" and amount(3.456, "") == "3.46"
    assert amount(2048, "bytes_per_second") == "2.0 kB/s"


@pytest.mark.parametrize("width", [375])
def test_board_renders_for_a_phone_without_hidden_essentials(client_for, dee, width, db):
    make_series(make_asset(), state="ok")
    body = client_for(dee).get(reverse(BOARD)).content.decode()
    # What a phone keeps: series, state, ETA, last value vs threshold, ticket (no d-none).
    assert 'scope="col">Series<' in body and 'scope="col">Ticket<' in body
