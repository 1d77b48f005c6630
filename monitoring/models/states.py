"""A check's state machine: pure methods on the model, testable on unsaved checks.

    unknown/up/degraded --fail--> pending --(failure threshold)--> down
    down --(recovery threshold successes)--> up or degraded
    anything --pause--> paused --resume--> unknown

The moment of a change is when it really began: a check goes down at its first failed
run, not at the third that confirmed it, and comes back at the first good run. So
downtime summed from state changes is the real outage, not the outage minus the time
it took to be sure.

Flapping: when the check moved into or out of `down` FLAP_CHANGES times within
FLAP_WINDOW_SECONDS, it is flapping until a whole window passes without such a change.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models

from itsm import durations
from monitoring import conf


class State(models.TextChoices):
    """A check's state: the one definition (models, dispatcher, incidents, availability)."""

    UP = "up", "Up"
    DEGRADED = "degraded", "Degraded"
    PENDING = "pending", "Failing"  # failing, but not yet as often as the threshold
    DOWN = "down", "Down"
    PAUSED = "paused", "Paused"
    UNKNOWN = "unknown", "Unknown"


# States in which a check is watched: availability counts their time as monitored.
MONITORED = frozenset({State.UP, State.DEGRADED, State.PENDING, State.DOWN})


class Outcome(models.TextChoices):
    """What one run found. Its values are the states of the same names."""

    UP = State.UP.value, "Up"
    DEGRADED = State.DEGRADED.value, "Degraded"
    DOWN = State.DOWN.value, "Down"


@dataclass
class Transition:
    from_state: str
    to_state: str
    at: datetime
    reason: str


@dataclass
class Step:
    """What one result did to a check."""

    changes: list[Transition] = field(default_factory=list)
    flap_started: bool = False
    flap_ended: bool = False


def _duration(seconds: float) -> str:
    return durations.short(seconds)  # half up: a 20 s outage reads "20 s", not "19 s"


class StateMachineMixin:
    """Mixed into monitoring.models.Check; needs its state and counter fields."""

    def thresholds(self) -> tuple[int, int]:
        # A heartbeat's grace time already is its tolerance: one late ping is down.
        if self.kind == "heartbeat":
            return 1, 1
        return max(1, self.failure_threshold), max(1, self.recovery_threshold)

    def _move(self, to: str, at: datetime, reason: str) -> Transition:
        change = Transition(self.state, to, at, reason[:300])
        self.state, self.state_since = to, at
        return change

    def apply_result(self, outcome: str, at: datetime, message: str = "") -> Step:
        """Count one run's outcome ("up", "degraded" or "down") made at `at`."""
        step = Step()
        fail_after, recover_after = self.thresholds()
        if outcome == Outcome.DOWN:
            if self.consecutive_failures == 0 or self.failing_since is None:
                self.failing_since = at
            self.consecutive_failures += 1
            self.consecutive_successes = 0
            self.recovering_since = None
            if self.state != State.DOWN:
                if self.consecutive_failures >= fail_after:
                    n = self.consecutive_failures
                    why = f"{n} consecutive failure{'s' if n > 1 else ''}: {message}"
                    step.changes.append(self._move(State.DOWN, self.failing_since, why))
                elif self.state != State.PENDING:
                    step.changes.append(self._move(State.PENDING, at, f"Failed: {message}"))
        else:
            target = State.DEGRADED if outcome == Outcome.DEGRADED else State.UP
            if self.consecutive_successes == 0 or self.recovering_since is None:
                self.recovering_since = at
            self.consecutive_successes += 1
            self.consecutive_failures = 0
            self.failing_since = None
            if self.state == State.DOWN:
                if self.consecutive_successes >= recover_after:
                    n = self.consecutive_successes
                    why = f"{n} consecutive good run{'s' if n > 1 else ''}"
                    step.changes.append(self._move(target, self.recovering_since, why))
            elif self.state != target:
                why = message if target == State.DEGRADED else "Good run"
                step.changes.append(self._move(target, at, why))
        self._track_flapping(step, at)
        return step

    def _track_flapping(self, step: Step, now: datetime) -> None:
        window = conf.FLAP_WINDOW_SECONDS
        horizon = now.timestamp() - window
        times = [t for t in (self.recent_changes or []) if t > horizon]
        times += [c.at.timestamp() for c in step.changes
                  if State.DOWN in (c.from_state, c.to_state)]
        self.recent_changes = times[-2 * conf.FLAP_CHANGES:]
        if not self.flapping and len(times) >= conf.FLAP_CHANGES:
            self.flapping = step.flap_started = True
        elif self.flapping and not times:
            self.flapping, step.flap_ended = False, True

    def _reset_counters(self) -> None:
        self.consecutive_failures = self.consecutive_successes = 0
        self.failing_since = self.recovering_since = None
        self.flapping, self.recent_changes = False, []

    def pause(self, at: datetime, reason: str = "Paused") -> Transition | None:
        self.paused = True
        self._reset_counters()
        return None if self.state == State.PAUSED else self._move(State.PAUSED, at, reason)

    def resume(self, at: datetime, reason: str = "Resumed") -> Transition | None:
        self.paused = False
        self._reset_counters()
        self.watch_since = at
        return None if self.state == State.UNKNOWN else self._move(State.UNKNOWN, at, reason)

    def heartbeat_outcome(self, now: datetime) -> tuple[str, str, float | None] | None:
        """(outcome, message, run time in ms) of a heartbeat at `now`, or None while waiting
        for its first ping."""
        if self.last_ping_kind == "fail" and self.last_ping_at:
            return Outcome.DOWN, "The job reported a failure (/fail ping).", None
        reference = max(t for t in (self.last_ping_at, self.watch_since) if t is not None)
        allowed = timedelta(seconds=self.period + self.grace)
        if now >= reference + allowed:
            if self.last_ping_at is None or self.last_ping_at < self.watch_since:
                return Outcome.DOWN, f"Late: no ping in the {_duration(allowed.total_seconds())} " \
                             "since monitoring started.", None
            ago = _duration((now - self.last_ping_at).total_seconds())
            return Outcome.DOWN, (f"Late: last ping {ago} ago (expected every "
                          f"{_duration(self.period)}, grace {_duration(self.grace)})."), None
        if self.last_ping_at is None or self.last_ping_at < self.watch_since:
            return None
        runtime = None
        if self.last_start_at and self.last_ping_at - self.last_start_at <= allowed and \
                self.last_start_at <= self.last_ping_at:
            runtime = (self.last_ping_at - self.last_start_at).total_seconds() * 1000
        return Outcome.UP, "Ping received.", runtime

    def heartbeat_deadline(self, now: datetime) -> datetime:
        """When to evaluate a heartbeat next: its deadline, or a period on while late."""
        reference = max(t for t in (self.last_ping_at, self.watch_since) if t is not None)
        deadline = reference + timedelta(seconds=self.period + self.grace)
        return deadline if deadline > now else now + timedelta(seconds=self.period)


describe_duration = _duration
