"""check_ping: the heartbeat service both ways in (view and WSGI fast path) call."""

import uuid

import pytest
import time_machine

from monitoring.models import Check
from monitoring.services.ping import check_ping
from tests.monitoring.helpers import minute


@pytest.fixture
def beat(make_check):
    with time_machine.travel(minute(0), tick=False):
        return make_check(kind="heartbeat", name="Backup", period=3600, grace=300)


def test_a_success_records_the_ping_and_asks_for_an_evaluation_now(beat):
    assert check_ping(uuid=beat.uuid, now=minute(10)) is True
    beat.refresh_from_db()
    assert (beat.last_ping_at, beat.last_ping_kind, beat.next_run_at) == (
        minute(10), "success", minute(10))


def test_start_records_only_the_start(beat):
    planned = Check.objects.get(pk=beat.pk).next_run_at
    assert check_ping(uuid=beat.uuid, action="start", now=minute(10)) is True
    beat.refresh_from_db()
    assert (beat.last_start_at, beat.last_ping_at, beat.next_run_at) == (
        minute(10), None, planned)


def test_fail_marks_the_job_failed(beat):
    check_ping(uuid=beat.uuid, action="fail", now=minute(20))
    beat.refresh_from_db()
    assert (beat.last_ping_at, beat.last_ping_kind) == (minute(20), "fail")


def test_the_clock_is_read_when_no_moment_is_given(beat):
    with time_machine.travel(minute(30), tick=False):
        check_ping(uuid=beat.uuid)
    assert Check.objects.get(pk=beat.pk).last_ping_at == minute(30)


def test_an_unknown_uuid_or_a_check_that_is_no_heartbeat_records_nothing(make_check):
    probe = make_check(kind="dns", target="localhost")
    assert check_ping(uuid=uuid.uuid4(), now=minute(1)) is False
    assert check_ping(uuid=probe.uuid, now=minute(1)) is False
    assert Check.objects.get(pk=probe.pk).last_ping_at is None


def test_an_unknown_action_is_refused(beat):
    with pytest.raises(ValueError, match="unknown ping action"):
        check_ping(uuid=beat.uuid, action="stop")
