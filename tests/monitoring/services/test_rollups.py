"""Hourly rollups kept as results arrive; the nightly prune rolls up and deletes, once."""

from datetime import timedelta

import time_machine

from monitoring.models import CheckResult, CheckRollup
from monitoring.probes import ProbeResult
from monitoring.services import dispatch, rollups
from tests.monitoring.helpers import T0


def fake_results(check, start, count, *, every=timedelta(minutes=1), down_every=4):
    return [ProbeResult(check_id=check.pk, planned_at=start + i * every,
                        ran_at=start + i * every, outcome="down" if i % down_every == 0 else "up",
                        latency_ms=10.0 + i, message="")
            for i in range(count)]


def test_results_are_added_to_their_hour_once(make_check):
    check = make_check(kind="dns", target="localhost")
    results = fake_results(check, T0, 90)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        dispatch.check_results_process(results=results)
        dispatch.check_results_process(results=results)  # redelivered
    hours = {r.hour: r for r in CheckRollup.objects.filter(owner=check)}
    first = hours[T0]
    assert (first.count, first.failures) == (60, 15)
    assert (first.latency_min, first.latency_max) == (10.0, 69.0)
    assert first.latency_avg == sum(10.0 + i for i in range(60)) / 60
    assert hours[T0 + timedelta(hours=1)].count == 30


def test_the_prune_rolls_up_then_deletes_and_can_run_twice(make_check, settings):
    settings.TEND_RESULTS_RETENTION_DAYS = 1
    check = make_check(kind="dns", target="localhost")
    results = fake_results(check, T0, 180)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        dispatch.check_results_process(results=results)
    before = {r.hour: (r.count, r.failures, r.latency_sum) for r in CheckRollup.objects.all()}
    CheckRollup.objects.all().delete()  # the prune recomputes from raw rows
    with time_machine.travel(T0 + timedelta(days=1, hours=2, minutes=30), tick=False):
        report = rollups.check_results_roll_up_and_prune()
        again = rollups.check_results_roll_up_and_prune()
    after = {r.hour: (r.count, r.failures, r.latency_sum) for r in CheckRollup.objects.all()}
    assert {h: v for h, v in before.items() if h < T0 + timedelta(hours=2)} == after
    assert report["deleted"] == 120 and again["deleted"] == 0
    assert CheckResult.objects.count() == 60  # the hour inside the retention stays raw
