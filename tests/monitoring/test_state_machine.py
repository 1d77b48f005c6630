"""The state machine on unsaved checks, with the clock as an argument: no database."""

import uuid
from datetime import UTC, datetime, timedelta

from monitoring import conf
from monitoring.models import Check

T0 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def fresh(**fields) -> Check:
    fields.setdefault("kind", "http")
    return Check(name="web", uuid=uuid.uuid4(), state_since=T0, watch_since=T0, **fields)


def feed(check: Check, outcomes: str, start: float = 0, every: float = 1):
    """Feed outcomes ("u" up, "d" down, "s" slow) a minute apart; return all transitions."""
    changes = []
    for i, letter in enumerate(outcomes):
        outcome = {"u": "up", "d": "down", "s": "degraded"}[letter]
        changes += check.apply_result(outcome, at(start + i * every), "boom").changes
    return changes


def test_it_goes_pending_then_down_at_the_failure_threshold():
    check = fresh(failure_threshold=3)
    feed(check, "u")
    changes = feed(check, "dd", start=1)
    assert check.state == "pending"
    assert [(c.from_state, c.to_state) for c in changes] == [("up", "pending")]
    changes = feed(check, "d", start=3)
    assert check.state == "down"
    assert changes[0].to_state == "down"


def test_downtime_starts_at_the_first_failure_not_the_confirming_one():
    check = fresh(failure_threshold=3)
    feed(check, "u")
    changes = feed(check, "ddd", start=1)
    down = [c for c in changes if c.to_state == "down"][0]
    assert down.at == at(1)
    assert check.state_since == at(1)


def test_a_success_under_the_threshold_clears_pending():
    check = fresh(failure_threshold=3)
    feed(check, "uddu")
    assert check.state == "up"
    assert check.consecutive_failures == 0


def test_recovery_needs_the_recovery_threshold_and_dates_back_to_the_first_good_run():
    check = fresh(failure_threshold=1, recovery_threshold=2)
    feed(check, "d")
    assert check.state == "down"
    assert not feed(check, "u", start=5)
    assert check.state == "down"
    changes = feed(check, "u", start=6)
    assert [(c.from_state, c.to_state, c.at) for c in changes] == [("down", "up", at(5))]


def test_a_slow_answer_is_degraded_and_counts_as_available():
    check = fresh()
    feed(check, "us")
    assert check.state == "degraded"
    feed(check, "u", start=2)
    assert check.state == "up"


def test_further_failures_while_down_change_nothing():
    check = fresh(failure_threshold=1)
    feed(check, "d")
    assert feed(check, "dddd", start=1) == []
    assert check.consecutive_failures == 5


def test_a_heartbeat_goes_down_on_the_first_late_evaluation():
    check = fresh(kind="heartbeat", failure_threshold=3)
    changes = feed(check, "d")
    assert check.state == "down" and changes[-1].to_state == "down"


def test_it_flaps_after_enough_ups_and_downs_inside_the_window():
    check = fresh(failure_threshold=1, recovery_threshold=1)
    started = []
    for i, letter in enumerate("dudud"):
        step = check.apply_result({"u": "up", "d": "down"}[letter], at(i), "x")
        started.append(step.flap_started)
    assert check.flapping
    assert started == [False, False, False, False, True]


def test_ups_and_downs_spread_wider_than_the_window_are_not_flapping():
    check = fresh(failure_threshold=1, recovery_threshold=1)
    spacing = conf.FLAP_WINDOW_SECONDS / 60 / 2 + 1  # minutes: only two fit in a window
    for i, letter in enumerate("dududud"):
        check.apply_result({"u": "up", "d": "down"}[letter], at(i * spacing), "x")
    assert not check.flapping


def test_flapping_ends_after_a_whole_quiet_window():
    check = fresh(failure_threshold=1, recovery_threshold=1)
    feed(check, "duduu")
    feed(check, "d", start=5)
    assert check.flapping
    feed(check, "u", start=6)
    step = check.apply_result("up", at(6) + timedelta(seconds=conf.FLAP_WINDOW_SECONDS + 1), "")
    assert step.flap_ended and not check.flapping


def test_pause_and_resume_reset_the_counters():
    check = fresh(failure_threshold=3)
    feed(check, "dd")
    change = check.pause(at(3))
    assert (change.to_state, check.paused, check.consecutive_failures) == ("paused", True, 0)
    change = check.resume(at(4))
    assert (change.to_state, check.paused, check.watch_since) == ("unknown", False, at(4))


def test_a_heartbeat_is_up_while_pings_arrive_in_time():
    check = fresh(kind="heartbeat", period=600, grace=60)
    assert check.heartbeat_outcome(at(5)) is None  # waiting for the first ping
    check.last_ping_at, check.last_ping_kind = at(5), "success"
    assert check.heartbeat_outcome(at(6))[0] == "up"
    assert check.heartbeat_outcome(at(5 + 10 + 0.9))[0] == "up"  # inside the grace


def test_a_heartbeat_is_late_after_its_period_and_grace():
    check = fresh(kind="heartbeat", period=600, grace=60)
    check.last_ping_at, check.last_ping_kind = at(5), "success"
    outcome, message, _ = check.heartbeat_outcome(at(5 + 11))
    assert outcome == "down" and message.startswith("Late")
    assert check.heartbeat_deadline(at(6)) == at(16)


def test_a_heartbeat_that_never_pinged_is_late_after_period_and_grace_from_creation():
    check = fresh(kind="heartbeat", period=600, grace=60)
    assert check.heartbeat_outcome(at(10.9)) is None
    assert check.heartbeat_outcome(at(11))[0] == "down"


def test_a_fail_ping_is_down_and_a_start_ping_measures_the_run():
    check = fresh(kind="heartbeat", period=600, grace=60)
    check.last_start_at, check.last_ping_at, check.last_ping_kind = at(1), at(3), "success"
    outcome, _, runtime = check.heartbeat_outcome(at(4))
    assert (outcome, runtime) == ("up", 120_000)
    check.last_ping_kind = "fail"
    assert check.heartbeat_outcome(at(4))[0] == "down"
