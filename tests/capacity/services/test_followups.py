"""The ticket loop with a moved clock: one timeline entry per material ETA change, resolve
after the forecast stays beyond twice the lead time for a day, human closes respected."""

from datetime import UTC, datetime, timedelta

import pytest

from capacity.forecast import OK, WARNING, Forecast
from capacity.forecast.loop import NONE, NOTICE, OPEN, RESOLVE, TRACK, OpenFollowUp, decide
from capacity.models import FollowUp, Kind, Series, Unit
from capacity.services.followups import follow_up_apply
from tickets.models import Status, TicketEvent
from tickets.services import ticket_transition

NOW = datetime(2026, 3, 1, tzinfo=UTC)
LEAD = timedelta(days=14)


def _fc(days, state=WARNING):
    eta = None if days is None else NOW + timedelta(days=days)
    return Forecast(state, eta_earliest=eta, eta_likely=eta, eta_latest=eta, threshold=90.0,
                    slope=1.0, slope_low=0.5, slope_high=1.5, window_start=NOW - LEAD,
                    window_end=NOW)


def test_decide_opens_only_above_the_floor_and_inside_the_lead_time():
    args = {"follow_up": None, "floor": 50.0, "lead_time": LEAD, "now": NOW}
    assert decide(fc=_fc(10), last_value=60.0, **args).action == OPEN
    assert decide(fc=_fc(10), last_value=40.0, **args).action == NONE
    assert decide(fc=_fc(20, OK), last_value=60.0, **args).action == NONE


def test_decide_small_moves_are_not_news_large_ones_are():
    open_ = OpenFollowUp(NOW - timedelta(days=1), "forecast", NOW + timedelta(days=10),
                         NOW + timedelta(days=10))
    args = {"follow_up": open_, "last_value": 60.0, "floor": 50.0, "lead_time": LEAD,
            "now": NOW}
    assert decide(fc=_fc(9.5), **args).action == NONE
    assert decide(fc=_fc(6), **args).action == NOTICE


def test_decide_resolves_after_a_day_beyond_twice_the_lead_time():
    open_ = OpenFollowUp(NOW - timedelta(days=5), "forecast", NOW + timedelta(days=10), None)
    args = {"last_value": 60.0, "floor": 50.0, "lead_time": LEAD}
    first = decide(follow_up=open_, fc=_fc(None, OK), now=NOW, **args)
    assert first.action == TRACK and first.clear_since == NOW
    tracked = OpenFollowUp(open_.opened_at, "forecast", open_.eta_earliest, None, NOW)
    assert decide(follow_up=tracked, fc=_fc(40, OK), now=NOW + timedelta(hours=12),
                  **args).action == NONE
    back = decide(follow_up=tracked, fc=_fc(10), now=NOW + timedelta(hours=12), **args)
    assert back.action == TRACK and back.clear_since is None
    done = decide(follow_up=tracked, fc=_fc(None, OK), now=NOW + timedelta(days=1), **args)
    assert done.action == RESOLVE and "twice the lead time" in done.message


@pytest.mark.django_db
def test_apply_opens_notes_once_and_resolves(asset):
    series = Series.objects.create(asset=asset, kind=Kind.MEMORY, key="memory",
                                   unit=Unit.PERCENT, last_value=70.0)
    assert follow_up_apply(series=series, fc=_fc(10), follow_up=None, now=NOW).startswith(
        "opened")
    assert follow_up_apply(series=series, fc=_fc(10), follow_up=None, now=NOW) == ""  # dedupe
    follow_up = FollowUp.objects.get(series=series)
    later = NOW + timedelta(days=1)
    for _ in range(3):  # the same material change, seen by three sweeps: one entry
        follow_up.refresh_from_db()
        follow_up_apply(series=series, fc=_fc(4), follow_up=follow_up, now=later)
    assert TicketEvent.objects.filter(ticket=follow_up.ticket, field="capacity ETA").count() == 1
    follow_up.refresh_from_db()
    follow_up_apply(series=series, fc=_fc(None, OK), follow_up=follow_up, now=later)
    follow_up.refresh_from_db()
    assert follow_up.clear_since == later
    done = follow_up_apply(series=series, fc=_fc(None, OK), follow_up=follow_up,
                           now=later + timedelta(days=1))
    follow_up.refresh_from_db()
    assert done.startswith("resolved") and follow_up.closed_at is not None
    assert follow_up.ticket.status == Status.RESOLVED


@pytest.mark.django_db
def test_a_ticket_closed_by_a_person_ends_the_follow_up(asset, dee):
    series = Series.objects.create(asset=asset, kind=Kind.MEMORY, key="memory",
                                   unit=Unit.PERCENT, last_value=70.0)
    follow_up_apply(series=series, fc=_fc(10), follow_up=None, now=NOW)
    follow_up = FollowUp.objects.get(series=series)
    ticket_transition(ticket=follow_up.ticket, actor=dee, to=Status.RESOLVED)
    follow_up.ticket.refresh_from_db()
    assert follow_up_apply(series=series, fc=_fc(10), follow_up=follow_up,
                           now=NOW).startswith("closed")
    assert FollowUp.objects.get(series=series).closed_at is not None


@pytest.mark.django_db
def test_capacity_tickets_get_their_own_sla_policy(asset):
    series = Series.objects.create(asset=asset, kind=Kind.MEMORY, key="memory",
                                   unit=Unit.PERCENT, last_value=70.0)
    follow_up_apply(series=series, fc=_fc(10), follow_up=None, now=NOW)
    ticket = FollowUp.objects.get(series=series).ticket
    assert ticket.sla_policy is not None and ticket.sla_policy.name == "Capacity follow-ups"
