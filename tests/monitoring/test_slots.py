"""Scheduling: stable offsets, no drift, no pile-up."""

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from monitoring import slots

T0 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


@given(st.uuids(), st.integers(min_value=10, max_value=86_400),
       st.integers(min_value=0, max_value=10**12))
def test_a_slot_is_at_the_checks_offset_and_never_before_the_moment(check_uuid, interval, us):
    moment = T0 + timedelta(microseconds=us)
    offset = slots.offset_ms(check_uuid, interval)
    slot = slots.slot_at_or_after(moment, interval, offset)
    assert moment <= slot < moment + timedelta(seconds=interval)
    since_epoch = (slot - slots.EPOCH) // timedelta(milliseconds=1)
    assert since_epoch % (interval * 1000) == offset


def test_ten_thousand_checks_spread_over_the_interval():
    seconds = {slots.offset_ms(uuid.uuid4(), 60) // 1000 for _ in range(10_000)}
    assert len(seconds) == 60


def test_the_next_slot_follows_the_planned_one_however_late_the_run():
    offset = slots.offset_ms(uuid.uuid4(), 60)
    planned = slots.slot_at_or_after(T0, 60, offset)
    late = planned + timedelta(seconds=20)
    run, following = slots.plan(planned, late, 60, offset)
    assert (run, following) == (planned, planned + timedelta(seconds=60))


def test_missed_slots_are_skipped_not_run_in_a_burst():
    offset = slots.offset_ms(uuid.uuid4(), 60)
    planned = slots.slot_at_or_after(T0, 60, offset)
    much_later = planned + timedelta(hours=2, seconds=5)
    run, following = slots.plan(planned, much_later, 60, offset)
    assert much_later - timedelta(seconds=60) < run <= much_later
    assert following > much_later
    assert slots.slot_at_or_after(run, 60, offset) == run
