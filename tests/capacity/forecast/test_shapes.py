"""The issue's data shapes, each deterministic with its expected outcome (pure: no DB)."""

from datetime import timedelta

import numpy as np
import pytest

from capacity import shapes
from capacity.forecast import CRITICAL, FULL, LEARNING, OK, WARNING, forecast
from capacity.shapes import Shape


def _within(eta, truth, now, tolerance):
    return abs((eta - truth) / (truth - now)) <= tolerance


def test_steady_growth_eta_within_ten_percent_and_ticket_in_time():
    shape = shapes.steady()
    fc = shape.forecast(shape.evaluate_at)
    assert fc.state == OK and fc.slope > 0
    assert _within(fc.eta_likely, shape.truth, shape.evaluate_at, 0.10)
    events = shapes.run(shape)
    assert len(events) == 1 and "opened (forecast)" in events[0]
    opened_day = float(events[0].split()[1].rstrip(":"))
    # inside the 14-day lead time, not long before it
    assert 0 < (shape.truth - Shape.at(opened_day)) / timedelta(days=1) <= 14


def test_sawtooth_eta_within_fifteen_percent_and_no_flapping_over_a_week():
    shape = shapes.sawtooth()
    fc = shape.forecast(shape.evaluate_at)
    assert _within(fc.eta_likely, shape.truth, shape.evaluate_at, 0.15)
    # hourly sweeps over a week around the opening: one ticket, no resolve, no churn
    week = shapes.run(shape, step=timedelta(hours=1), start_day=36, days=43)
    assert sum("opened" in e for e in week) == 1
    assert not any("resolved" in e for e in week)
    assert sum("ETA changed" in e for e in week) <= 2
    assert sum("opened" in e for e in shapes.run(shape)) == 1


def test_flat_high_noisy_no_ticket_and_no_fills_now():
    shape = shapes.flat()
    for day in range(3, shape.days + 1):
        fc = shape.forecast(Shape.at(day))
        assert fc.state == OK and fc.eta_earliest is None and fc.eta_likely is None
    assert shapes.run(shape) == []


def test_cleanup_two_days_ago_fits_the_segment_after_it():
    shape = shapes.cleanup()
    fc = shape.forecast(shape.evaluate_at)
    assert fc.state != LEARNING
    assert fc.window_start >= Shape.at(shape.days - 2)
    assert fc.eta_likely is not None  # not "never"
    assert _within(fc.eta_likely, shape.truth, shape.evaluate_at, 0.15)


def test_one_hour_burst_raises_nothing():
    shape = shapes.burst()
    fc = shape.forecast(shape.evaluate_at)
    assert fc.state == OK and fc.eta_earliest is None
    assert shapes.run(shape, step=timedelta(hours=1), start_day=9, days=13) == []


def test_host_six_hours_old_is_learning():
    shape = shapes.new_host()
    fc = shape.forecast(shape.evaluate_at)
    assert fc.state == LEARNING and "48 h" in fc.reason
    assert shapes.run(shape, step=timedelta(hours=1), start_day=0.05) == []


def test_missing_buckets_and_counter_reset_give_no_false_zero_hours():
    shape = shapes.gaps_reset()
    for hours in range(0, 72, 3):
        now = shape.evaluate_at + timedelta(hours=hours)
        fc = shape.forecast(now)
        assert fc.state in (LEARNING, OK)
        assert fc.eta_earliest is None or fc.eta_earliest - now > timedelta(days=1)


def test_resize_to_double_resets_the_model_and_resolves_the_ticket():
    shape = shapes.resize()
    just_after = shape.forecast(Shape.at(16.2))
    assert just_after.state == LEARNING and "relearning" in just_after.reason
    later = shape.forecast(shape.evaluate_at)
    assert later.window_start >= Shape.at(16) and later.state == OK
    events = shapes.run(shape)
    assert "opened (forecast)" in events[0]
    assert "resolved: Resized" in events[1] and events[1].startswith("day 16")
    assert len(events) == 2


def test_weekday_cpu_weekly_peak_within_ten_percent_on_held_out_week():
    shape = shapes.weekday_cpu()
    now = shape.evaluate_at
    fc = shape.forecast(now)
    held_out = (shape.t >= now.timestamp()) & (shape.t < (now + timedelta(days=7)).timestamp())
    actual = float(shape.high[held_out].max())
    assert abs(fc.peak - actual) / actual <= 0.10
    # the mean would be far off: the forecast is of the peak
    assert abs(float(shape.mean[held_out].mean()) - actual) / actual > 0.3


def test_accelerating_growth_earliest_never_later_than_truth():
    shape = shapes.accelerating()
    now = Shape.at(3)
    seen = 0
    while now < shape.truth:
        fc = shape.forecast(now)
        if fc.eta_earliest is not None:
            seen += 1
            assert fc.eta_earliest <= shape.truth, now
        now += timedelta(hours=6)
    assert seen > 50


def test_states_warning_critical_full():
    shape = shapes.steady()
    assert shape.forecast(shape.truth - timedelta(days=10)).state == WARNING
    assert shape.forecast(shape.truth - timedelta(days=2)).state == CRITICAL
    assert shape.forecast(shape.truth + timedelta(days=1)).state == FULL


def test_points_api_matches_arrays():
    shape = shapes.steady()
    now = shape.evaluate_at
    fc = forecast(shape.points(now), shape.threshold(now), "fs_used", now)
    assert fc == shape.forecast(now)


def test_unknown_threshold_and_empty():
    now = Shape.at(5)
    assert forecast([], 1.0, "fs_used", now).state == LEARNING
    shape = shapes.steady()
    fc = forecast(shape.points(now), None, "custom", now)
    assert fc.state == OK and fc.eta_likely is None and fc.slope == pytest.approx(
        0.01 * shapes.SIZE, rel=0.1)
    assert np.isfinite(fc.slope)
