"""GET /api/v1/capacity/: staff only, earliest ETA first, filters strict, bounded queries."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from capacity.models import FollowUp, Kind, Series, State, Unit
from itsm.services.system_user import system_user_get
from tickets.models import Kind as TicketKind
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 1, tzinfo=UTC)
URL = "/api/v1/capacity/"


def _series(asset, key, kind=Kind.FS_USED, **fields):
    return Series.objects.create(asset=asset, kind=kind, key=key, name=key, unit=Unit.BYTES,
                                 **fields)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def board(asset, other_asset):
    later = _series(asset, "/var", state=State.WARNING, eta_earliest=NOW + timedelta(days=9),
                    eta_likely=NOW + timedelta(days=11), eta_latest=NOW + timedelta(days=13),
                    slope=2.0, slope_low=1.5, slope_high=2.5, threshold_value=90.0)
    sooner = _series(other_asset, "/", state=State.CRITICAL, eta_earliest=NOW + timedelta(days=2))
    quiet = _series(asset, "memory", kind=Kind.MEMORY, state=State.OK)
    _series(asset, "size", kind=Kind.FS_SIZE)
    ticket = ticket_create(requester=system_user_get(), title="Capacity: /var",
                           kind=TicketKind.CAPACITY, asset=asset)
    FollowUp.objects.create(series=later, ticket=ticket, reason="forecast")
    return sooner, later, quiet, ticket


def test_staff_see_every_series_earliest_eta_first(board, dee, django_assert_max_num_queries):
    sooner, later, quiet, ticket = board
    with django_assert_max_num_queries(6):
        response = _client(dee).get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [sooner.pk, later.pk, quiet.pk]  # fs_size not shown
    row = rows[1]
    assert row["ticket"] == ticket.ref and row["state"] == "warning"
    assert row["slope_low"] == 1.5 and row["eta_latest"].startswith("2026-03-14")
    assert rows[0]["ticket"] is None


def test_filters(board, dee, asset):
    client = _client(dee)
    assert [r["state"] for r in client.get(URL, {"state": "critical"}).json()["results"]] == [
        "critical"]
    assert {r["kind"] for r in client.get(URL, {"kind": "memory"}).json()["results"]} == {
        "memory"}
    assert all(r["asset"] == asset.pk
               for r in client.get(URL, {"asset": asset.pk}).json()["results"])
    assert client.get(URL, {"service": asset.service_id}).json()["count"] == 2


@pytest.mark.parametrize("params", [{"state": "boiling"}, {"kind": "fs_size"},
                                    {"asset": "x"}, {"team": "-1"}])
def test_bad_filters_are_400_with_field_messages(board, dee, params):
    response = _client(dee).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_end_users_cannot_read_the_board(board, bob):
    assert _client(bob).get(URL).status_code == 403
    assert APIClient().get(URL).status_code in (401, 403)


def test_managers_can(board, manny):
    assert _client(manny).get(URL).status_code == 200
