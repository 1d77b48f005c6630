"""SIGKILL a real worker mid-way through a batch of checks: a check's claim is a lease.

A batch lost with its worker costs each check one slot: the next is claimed on time, a
heartbeat is judged a lease later, and the batch, when Redis hands it out again after
the lease, is dropped unrun. Redelivered within the lease, it records nothing twice and
opens the incident its first run died before opening, once.
"""

import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from monitoring import services
from monitoring.models import Check, CheckIncident, CheckResult, CheckStateChange, State
from tests.killing import Broker, discarded, kill, worker_process, writing_transactions
from tests.waiting import wait_for
from tickets.models import Kind, Ticket

TASK = "monitoring.tasks.dispatch"
ANSWER_AFTER = 1.0  # seconds the target takes to answer: the window for the kill


class Handler(BaseHTTPRequestHandler):
    """/up/… answers 200, /down/… 500, each after ANSWER_AFTER; every request is counted."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits[self.path] += 1
        time.sleep(ANSWER_AFTER)
        self.send_response(500 if self.path.startswith("/down/") else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def target():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads, server.hits = True, Counter()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def http_check(target, path: str, service, interval: int) -> Check:
    return services.check_create(actor=None, name=path, kind="http", target=target.url + path,
                                 interval=interval, timeout=5, failure_threshold=1,
                                 service=service)


def worker(redis_url, tmp_path, *, lease: int, visibility: int, **env) -> dict:
    (tmp_path / "mail").mkdir(exist_ok=True)
    # The look-ahead is 0 so a batch runs as soon as it is claimed, well inside the
    # visibility timeout: only a killed worker's batch is ever handed out again.
    return {"redis_url": redis_url, "mail_dir": tmp_path / "mail", "lease": lease,
            "env": {"TEND_MONITORING_LOOKAHEAD": "0", "TEND_TEST_JOURNAL":
                    str(tmp_path / "journal"), "TEND_TEST_VISIBILITY_TIMEOUT": str(visibility),
                    **env}}


def start_batch(broker: Broker, checks) -> datetime:
    """Once the worker listens, make every check due now and dispatch; returns the slot."""
    broker.wait_for_worker()
    slot = timezone.now()
    Check.objects.filter(pk__in=[c.pk for c in checks]).update(next_run_at=slot)
    broker.send(TASK)
    return slot


def dropped_batches(tmp_path) -> list[str]:
    return [line for line in discarded(tmp_path / "journal") if "run_checks" in line]


def incidents_of(check) -> int:
    return CheckIncident.objects.filter(owner=check).count()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_killed_mid_probe_costs_one_slot_and_is_dropped_when_redelivered(
        redis_url, postgres, target, service, tmp_path):
    lease, interval = 3, 10
    probed = [http_check(target, path, service, interval) for path in ("/up/1", "/up/2",
                                                                        "/down/1")]
    down = probed[-1]
    heartbeat = services.check_create(actor=None, kind="heartbeat", name="Nightly backup",
                                      period=3600, grace=300, service=service,
                                      now=timezone.now() - timedelta(hours=2))  # late
    everything = [*probed, heartbeat]
    Check.objects.update(next_run_at=timezone.now() + timedelta(hours=1))
    # Redis hands the killed batch out again after `visibility`, past its lease.
    options = worker(redis_url, tmp_path, lease=lease, visibility=6)
    broker = Broker(redis_url)
    try:
        with worker_process(**options) as first:
            slot = start_batch(broker, everything)

            def every_probe_in_flight():
                return len(target.hits) == len(probed)

            wait_for(every_probe_in_flight, every=0.02)
            kill(first)
        assert not CheckResult.objects.exists()
        assert broker.unacked() == 1  # the batch, taken and never acknowledged
        for check in probed:  # already claimable again, at its next slot
            check.refresh_from_db()
            assert check.next_run_at == slot + timedelta(seconds=interval)
        heartbeat.refresh_from_db()  # a lease on, not a period (an hour) on
        assert slot + timedelta(seconds=lease) <= heartbeat.next_run_at \
            < slot + timedelta(seconds=lease + 5)
        rejudged_at = heartbeat.next_run_at

        with worker_process(**options):
            broker.wait_for_worker()

            def next_slots_recorded_and_the_old_batch_dropped():
                broker.send(TASK)  # as beat would, every few seconds
                return (CheckResult.objects.filter(owner__in=probed).count() == len(probed)
                        and heartbeat.results.exists() and dropped_batches(tmp_path))

            wait_for(next_slots_recorded_and_the_old_batch_dropped, seconds=25, every=0.5)
    finally:
        broker.close()
    assert dropped_batches(tmp_path) == ["monitoring.tasks.run_checks expired"]
    # Each check ran its killed slot's probe once (the redelivery probed nothing) and
    # its next slot once; the killed slot has no result, the next one has one.
    assert target.hits == Counter({"/up/1": 2, "/up/2": 2, "/down/1": 2})
    for check in probed:
        assert list(check.results.values_list("planned_at", flat=True)) == [
            slot + timedelta(seconds=interval)]
    assert list(heartbeat.results.values_list("planned_at", "outcome")) == [
        (rejudged_at, "down")]
    for check in (down, heartbeat):
        check.refresh_from_db()
        assert check.state == State.DOWN and incidents_of(check) == 1
        assert CheckStateChange.objects.filter(owner=check, to_state=State.DOWN).count() == 1
    assert Ticket.objects.filter(kind=Kind.INCIDENT).count() == 2


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_killed_before_its_incident_opens_it_once_when_redelivered(
        redis_url, postgres, target, service, tmp_path):
    up, down = (http_check(target, path, service, 60) for path in ("/up/1", "/down/1"))
    Check.objects.update(next_run_at=timezone.now() + timedelta(hours=1))
    # Redelivered after 3 s, inside its 12 s lease; the first worker stalls inside the
    # incident's transaction, after its ticket row is written.
    first_options = worker(redis_url, tmp_path, lease=12, visibility=3,
                           TEND_TEST_SLOW_SAVES="tickets.Ticket:30")
    broker = Broker(redis_url)
    try:
        with worker_process(**first_options) as first:
            slot = start_batch(broker, [up, down])

            def down_recorded_and_its_incident_half_written():
                return (Check.objects.filter(pk=down.pk, state=State.DOWN).exists()
                        and writing_transactions())

            wait_for(down_recorded_and_its_incident_half_written, every=0.02)
            kill(first)
        down.refresh_from_db()
        assert down.state == State.DOWN and down.open_incident_id is None
        assert not Ticket.objects.exists() and not CheckIncident.objects.exists()
        assert CheckResult.objects.count() == 2

        with worker_process(**worker(redis_url, tmp_path, lease=12, visibility=3)):

            def the_incident_opened():
                return CheckIncident.objects.exists()

            wait_for(the_incident_opened, seconds=25)

            def the_batch_acknowledged():
                return broker.unacked() == 0 and broker.queued() == 0

            wait_for(the_batch_acknowledged)
    finally:
        broker.close()
    assert dropped_batches(tmp_path) == []
    assert target.hits == Counter({"/up/1": 2, "/down/1": 2})  # run again, recorded once
    for check in (up, down):
        assert list(check.results.values_list("planned_at", flat=True)) == [slot]
    down.refresh_from_db()
    assert down.open_incident == CheckIncident.objects.get(owner=down)
    assert CheckStateChange.objects.filter(owner=down, to_state=State.DOWN).count() == 1
    assert Ticket.objects.filter(kind=Kind.INCIDENT).count() == 1
    assert incidents_of(up) == 0
