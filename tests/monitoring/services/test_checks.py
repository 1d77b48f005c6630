"""The check services: create, update, pause, resume, delete, test; who may, and when."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from monitoring import services
from monitoring.models import Check, CheckStateChange, State
from tests.monitoring.helpers import minute


def changes(check):
    return list(CheckStateChange.objects.filter(owner=check).order_by("at", "id")
                .values_list("from_state", "to_state", "at", "reason"))


def test_create_schedules_the_first_run_and_records_the_first_state(dee, service):
    check = services.check_create(actor=dee, now=minute(0), name="DNS", kind="dns",
                                  target="localhost", service=service, interval=60)
    assert (check.state, check.created_by, check.created_at) == (State.UNKNOWN, dee, minute(0))
    assert minute(0) < check.next_run_at <= minute(1)
    assert changes(check) == [("", State.UNKNOWN, minute(0), "Created by Dee Desk")]


def test_a_check_created_paused_is_not_scheduled(dee):
    check = services.check_create(actor=dee, now=minute(0), name="DNS", kind="dns",
                                  target="localhost", paused=True)
    assert (check.state, check.next_run_at) == (State.PAUSED, None)


def test_update_reschedules_on_a_new_interval_only(dee):
    check = services.check_create(actor=dee, now=minute(0), name="DNS", kind="dns",
                                  target="localhost", interval=60)
    renamed = services.check_update(check=check, actor=dee, now=minute(5), name="Resolver")
    assert (renamed.name, renamed.next_run_at) == ("Resolver", check.next_run_at)
    slower = services.check_update(check=check, actor=dee, now=minute(5), interval=600)
    assert minute(5) < slower.next_run_at <= minute(15)


def test_changing_the_kind_starts_the_state_afresh(dee, http_target):
    check = services.check_create(actor=dee, now=minute(0), name="Web", kind="http",
                                  target=http_target.url)
    Check.objects.filter(pk=check.pk).update(consecutive_failures=2)
    changed = services.check_update(check=check, actor=dee, now=minute(3), kind="dns",
                                    target="localhost")
    assert (changed.consecutive_failures, changed.watch_since) == (0, minute(3))
    assert len(changes(check)) == 1  # still unknown: no state change to record


def test_pause_and_resume_record_their_moments(dee):
    check = services.check_create(actor=dee, now=minute(0), name="DNS", kind="dns",
                                  target="localhost")
    paused = services.check_pause(check=check, actor=dee, now=minute(10))
    assert (paused.state, paused.state_since, paused.next_run_at) == (
        State.PAUSED, minute(10), None)
    assert services.check_pause(check=check, actor=dee, now=minute(11)).state_since == minute(10)
    resumed = services.check_resume(check=check, actor=dee, now=minute(20))
    assert (resumed.state, resumed.watch_since) == (State.UNKNOWN, minute(20))
    assert minute(20) < resumed.next_run_at <= minute(21)
    assert [c[1:3] for c in changes(check)] == [
        (State.UNKNOWN, minute(0)), (State.PAUSED, minute(10)), (State.UNKNOWN, minute(20))]


def test_delete_removes_the_check(dee):
    check = services.check_create(actor=dee, name="DNS", kind="dns", target="localhost")
    services.check_delete(check=check, actor=dee)
    assert not Check.objects.filter(pk=check.pk).exists()


def test_test_runs_once_and_records_nothing(dee, http_target):
    check = services.check_create(actor=dee, name="Web", kind="http", target=http_target.url)
    result = services.check_test(check=check, actor=dee)
    assert result.outcome == "up" and not check.results.exists()
    beat = services.check_create(actor=dee, name="Backup", kind="heartbeat")
    assert services.check_test(check=beat, actor=dee) is None


def test_only_support_engineers_and_admins_change_checks(manny, alice, dee):
    check = services.check_create(actor=dee, name="DNS", kind="dns", target="localhost")
    for actor in (manny, alice):
        with pytest.raises(PermissionDenied):
            services.check_create(actor=actor, name="X", kind="dns", target="localhost")
        for change in (services.check_pause, services.check_resume, services.check_delete):
            with pytest.raises(PermissionDenied):
                change(check=check, actor=actor)
        with pytest.raises(PermissionDenied):
            services.check_update(check=check, actor=actor, name="Y")
    assert Check.objects.get(pk=check.pk).name == "DNS"


def test_an_invalid_check_is_refused_with_field_messages(dee):
    with pytest.raises(ValidationError) as refused:
        services.check_create(actor=dee, name="Metadata", kind="http",
                              target="http://169.254.169.254/latest/")
    assert "target" in refused.value.message_dict
    assert not Check.objects.exists()
