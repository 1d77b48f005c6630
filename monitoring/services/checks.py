"""Writes with rules for checks. Views, the API, admin and tasks call these.

Editing a check only touches its configuration; its state belongs to the dispatcher
(dispatch.py). Only support engineers and admins (actor.is_agent) define checks; actor
None is the system (seeding, tests).
"""

import copy
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from itsm.models import User
from itsm.services.access import require_agent
from monitoring import probes
from monitoring.models import Check, CheckStateChange, Kind, State
from monitoring.services.spans import spans_changed, spans_rekey
from monitoring.validation import validate_check

CONFIG_FIELDS = [
    "kind", "name", "target", "http_method", "expected_status", "keyword", "keyword_mode",
    "degraded_ms", "verify_tls", "follow_redirects", "dns_expected", "tls_warn_days",
    "period", "grace", "interval", "timeout", "failure_threshold", "recovery_threshold",
    "service", "asset", "team", "priority", "incident_mode",
]
TEST_TIMEOUT = 10
# Changing these starts the schedule afresh.
SCHEDULE_FIELDS = {"kind", "interval", "period", "grace"}


def _require_agent(actor: User | None) -> None:
    require_agent(actor, message="Only support engineers and admins can change checks.")


def _schedule(check: Check, now) -> None:
    # Never plan before a slot already run (the look-ahead may have run one early).
    start = max(now, check.last_planned_at + timedelta(milliseconds=1)) \
        if check.last_planned_at else now
    check.next_run_at = check.first_run_after(start)


def _record(check: Check, change) -> None:
    if change is not None:
        CheckStateChange.objects.create(owner=check, from_state=change.from_state,
                                        to_state=change.to_state, at=change.at,
                                        reason=change.reason)
        spans_changed({check.pk: change.at})


@transaction.atomic
def check_create(*, actor: User | None, now: datetime | None = None, **fields) -> Check:
    _require_agent(actor)
    unknown = set(fields) - set(CONFIG_FIELDS) - {"paused"}
    if unknown:
        raise TypeError(f"not check fields: {sorted(unknown)}")
    now = now or timezone.now()
    check = Check(**fields, created_by=actor, created_at=now, state_since=now, watch_since=now)
    validate_check(check)
    if check.paused:
        check.state = State.PAUSED
    else:
        _schedule(check, now)
    check.save()
    CheckStateChange.objects.create(owner=check, from_state="", to_state=check.state, at=now,
                                    reason=f"Created by {actor}" if actor else "Created")
    spans_changed({check.pk: now})
    return check


@transaction.atomic
def check_update(*, check: Check, actor: User | None, now: datetime | None = None,
                 **changes) -> Check:
    _require_agent(actor)
    now = now or timezone.now()
    unknown = set(changes) - set(CONFIG_FIELDS)
    if unknown:
        raise TypeError(f"not check fields: {sorted(unknown)}")
    locked = Check.objects.select_for_update().get(pk=check.pk)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    keys = [(locked.service_id, locked.team_id)]
    for name in changed:
        setattr(locked, name, changes[name])
    validate_check(locked)
    fields = list(changed)
    if SCHEDULE_FIELDS & set(changed) and not locked.paused:
        _schedule(locked, now)
        fields.append("next_run_at")
    if "kind" in changed:
        # Counters of another kind of check mean nothing for this one.
        change = locked.resume(now, reason=f"Kind changed by {actor}")
        _record(locked, change)
        fields += ["state", "state_since", "consecutive_failures", "consecutive_successes",
                   "failing_since", "recovering_since", "flapping", "recent_changes",
                   "watch_since", "paused"]
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    if {"service", "team"} & set(changed):
        spans_rekey([*keys, (locked.service_id, locked.team_id)])
    return locked


@transaction.atomic
def check_pause(*, check: Check, actor: User | None, now: datetime | None = None) -> Check:
    _require_agent(actor)
    locked = Check.objects.select_for_update().get(pk=check.pk)
    if locked.paused:
        return locked
    change = locked.pause(now or timezone.now(), reason=f"Paused by {actor}" if actor else "Paused")
    locked.next_run_at = None
    locked.save(update_fields=["paused", "state", "state_since", "consecutive_failures",
                               "consecutive_successes", "failing_since", "recovering_since",
                               "flapping", "recent_changes", "next_run_at", "updated_at"])
    _record(locked, change)
    return locked


@transaction.atomic
def check_resume(*, check: Check, actor: User | None, now: datetime | None = None) -> Check:
    _require_agent(actor)
    locked = Check.objects.select_for_update().get(pk=check.pk)
    if not locked.paused:
        return locked
    now = now or timezone.now()
    change = locked.resume(now, reason=f"Resumed by {actor}" if actor else "Resumed")
    _schedule(locked, now)
    locked.save(update_fields=["paused", "state", "state_since", "consecutive_failures",
                               "consecutive_successes", "failing_since", "recovering_since",
                               "flapping", "recent_changes", "watch_since", "next_run_at",
                               "updated_at"])
    _record(locked, change)
    return locked


@transaction.atomic
def check_delete(*, check: Check, actor: User | None) -> None:
    """Delete a check with its results. Its incident tickets stay (they are history)."""
    _require_agent(actor)
    keys = list(Check.objects.filter(pk=check.pk).values_list("service_id", "team_id"))
    Check.objects.filter(pk=check.pk).delete()
    spans_rekey(keys)


def check_test(*, check: Check, actor: User | None) -> probes.ProbeResult | None:
    """Run a check once now and return what it found; nothing is recorded.

    A heartbeat has nothing to run: the result says how it stands.
    """
    _require_agent(actor)
    if check.kind == Kind.HEARTBEAT:
        return None
    trial = copy.copy(check)
    trial.timeout = min(check.timeout, TEST_TIMEOUT)  # someone is waiting for the page
    return probes.run_now(trial)
