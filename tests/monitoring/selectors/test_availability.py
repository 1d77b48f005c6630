"""Availability, exact from state changes, with planned downtime apart."""

from datetime import timedelta

import pytest
import time_machine

from maintenance import selectors as maintenance_selectors
from maintenance.models import MaintenanceWindow
from monitoring import selectors
from monitoring.models import Check, CheckStateChange
from monitoring.selectors.availability import check_timelines, intersect, timeline, union
from monitoring.services.spans import spans_rebuild
from tests.monitoring.helpers import T0, minute


@pytest.fixture
def check(make_check, service):
    with time_machine.travel(T0, tick=False):
        return make_check(kind="dns", target="localhost", service=service)


def changes(check, *rows):
    """State changes as the dispatcher writes them: each from the state before it."""
    previous = check.state
    for state, m in rows:
        CheckStateChange.objects.create(owner=check, from_state=previous, to_state=state,
                                        at=minute(m))
        previous = state
    Check.objects.filter(pk=check.pk).update(state=previous)
    check.state = previous
    spans_rebuild([check.pk])


def test_downtime_is_summed_from_state_changes(check):
    changes(check, ("up", 0), ("down", 10), ("up", 40), ("down", 100), ("up", 110))
    found = selectors.check_availability([check.pk], minute(0), minute(200))[check.pk]
    assert found.down == timedelta(minutes=40)
    assert found.monitored == timedelta(minutes=200)
    assert found.outages == 2
    assert found.ratio == pytest.approx(1 - 40 / 200)


def test_a_range_starting_inside_an_outage_counts_from_its_start(check):
    changes(check, ("up", 0), ("down", 10), ("up", 40))
    found = selectors.check_availability([check.pk], minute(20), minute(60))[check.pk]
    assert found.down == timedelta(minutes=20) and found.outages == 0


def test_paused_and_unknown_time_is_not_monitored(check):
    changes(check, ("up", 0), ("paused", 50), ("unknown", 80), ("up", 90))
    found = selectors.check_availability([check.pk], minute(0), minute(100))[check.pk]
    assert found.monitored == timedelta(minutes=60) and found.down == timedelta(0)


def test_downtime_inside_a_maintenance_window_is_planned(check, monkeypatch):
    changes(check, ("up", 0), ("down", 10), ("up", 40))
    MaintenanceWindow.objects.create(reason="Upgrade", starts_at=minute(5),
                                     ends_at=minute(30)).services.add(check.service)
    found = selectors.check_availability([check.pk], minute(0), minute(100))[check.pk]
    assert found.planned_down == timedelta(minutes=20)
    assert found.unplanned_down == timedelta(minutes=10)
    assert found.ratio == pytest.approx(0.9)
    assert found.ratio_including_planned == pytest.approx(0.7)

    # The intervals behind the day bars ask the real selector once for all the checks.
    asked = []
    real = maintenance_selectors.windows_overlapping

    def overlapping(*, service_ids, asset_ids, start, end):
        asked.append((service_ids, asset_ids))
        return real(service_ids=service_ids, asset_ids=asset_ids, start=start, end=end)

    monkeypatch.setattr("maintenance.selectors.windows_overlapping", overlapping)
    item = check_timelines([check.pk], minute(0), minute(100))[check.pk]
    assert item["planned"] == [(minute(10), minute(30))]
    assert asked == [([check.service_id], [])]


def test_a_service_is_down_while_any_of_its_checks_is(check, make_check, service):
    with time_machine.travel(T0, tick=False):
        other = make_check(kind="dns", name="other", target="localhost", service=service)
    changes(check, ("up", 0), ("down", 10), ("up", 30))
    changes(other, ("up", 0), ("down", 20), ("up", 50))
    found = selectors.service_availability([service.pk], minute(0), minute(100))[service.pk]
    assert found.down == timedelta(minutes=40)


def test_the_state_before_the_range_is_read_back_from_the_present(check):
    changes(check, ("up", 0), ("down", 10))
    found = selectors.check_availability([check.pk], minute(20), minute(30))[check.pk]
    assert found.down == timedelta(minutes=10)  # no change inside: the current state
    found = selectors.check_availability([check.pk], minute(5), minute(8))[check.pk]
    assert found.down == timedelta(0) and found.monitored == timedelta(minutes=3)


def test_days_split_intervals_exactly():
    from monitoring.selectors.availability import per_day

    days = [T0 + timedelta(days=i) for i in range(3)]
    item = {"monitored": [(T0, T0 + timedelta(days=3))],
            "down": [(T0 + timedelta(hours=23), T0 + timedelta(days=1, hours=1))],
            "planned": []}
    assert per_day(item, days) == [(86400, 3600, 0), (86400, 3600, 0), (86400, 0, 0)]


def test_interval_helpers():
    a = [(minute(0), minute(10)), (minute(5), minute(20)), (minute(30), minute(40))]
    assert union(a) == [(minute(0), minute(20)), (minute(30), minute(40))]
    assert intersect(a, [(minute(15), minute(35))]) == [(minute(15), minute(20)),
                                                         (minute(30), minute(35))]
    down, monitored, outages = timeline(None, [("up", minute(5)), ("down", minute(8))],
                                        minute(0), minute(10))
    assert down == [(minute(8), minute(10))] and monitored == [(minute(5), minute(10))]
    assert outages == 1
