"""SIGKILL a real worker mid-way through a scrape batch: a scrape's claim is a lease.

Targets the dead worker finished ended their claims and are not scraped again; the one
it was still fetching keeps its claim until the lease runs out, then the next dispatch
takes it over and scrapes the same slot. Nothing lost, nothing stored twice.
"""

import contextlib
import threading
import time
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from capacity.models import Bucket, ScrapeTarget, Series
from tests.factories import AssetFactory
from tests.killing import Broker, kill, worker_process
from tests.waiting import wait_for

TASK = "capacity.tasks.scrape_dispatch"
SLOW = 30.0  # seconds /slow takes: the first worker dies long before it answers
EXPOSITION = (b"# TYPE node_load1 gauge\nnode_load1 0.5\n"
              b"# TYPE node_memory_MemTotal_bytes gauge\nnode_memory_MemTotal_bytes 8e9\n"
              b"# TYPE node_memory_MemAvailable_bytes gauge\n"
              b"node_memory_MemAvailable_bytes 6e9\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits[self.path] += 1
        if self.path == "/slow" and self.server.hits[self.path] == 1:
            time.sleep(SLOW)  # only the first time: the taken-over scrape answers at once
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(EXPOSITION)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the worker that asked may be dead
            self.wfile.write(EXPOSITION)


@pytest.fixture
def exporter():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads, server.hits = True, Counter()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_killed_mid_scrape_loses_nothing_and_doubles_nothing(
        redis_url, postgres, exporter, service, tmp_path):
    later = timezone.now() + timedelta(hours=1)
    targets = [ScrapeTarget.objects.create(
        asset=AssetFactory(name=f"host-{path[1:]}", service=service), url=exporter.url + path,
        interval=3600, timeout=3, next_run_at=later) for path in ("/fast-1", "/fast-2", "/slow")]
    slow = targets[-1]
    (tmp_path / "mail").mkdir()
    # The lease is the timeout + 5 s (8 s): the slow scrape's claim outlives the kill.
    options = {"redis_url": redis_url, "mail_dir": tmp_path / "mail", "lease": 1}
    broker = Broker(redis_url)
    try:
        with worker_process(**options) as first:
            broker.wait_for_worker()
            slot = timezone.now().replace(microsecond=0)
            ScrapeTarget.objects.update(next_run_at=slot)
            broker.send(TASK)

            def fast_ones_stored_and_slow_one_in_flight():
                done = ScrapeTarget.objects.filter(last_ok_at__isnull=False).count()
                return done == 2 and exporter.hits["/slow"] == 1

            wait_for(fast_ones_stored_and_slow_one_in_flight, seconds=30)
            kill(first)
        slow.refresh_from_db()
        assert slow.last_ok_at is None and slow.lease_until is not None  # claimed, unfinished
        assert not Series.objects.filter(asset=slow.asset).exists()
        lease_ran_out_at = slow.lease_until

        with worker_process(**options):
            broker.wait_for_worker()

            def the_slow_target_taken_over():
                broker.send(TASK)  # as beat would, every few seconds
                return ScrapeTarget.objects.filter(pk=slow.pk,
                                                   last_ok_at__isnull=False).exists()

            wait_for(the_slow_target_taken_over, seconds=40, every=0.5)
    finally:
        broker.close()
    assert timezone.now() >= lease_ran_out_at
    # The fast targets were scraped once; the slow one twice (killed, then taken over).
    assert exporter.hits == Counter({"/fast-1": 1, "/fast-2": 1, "/slow": 2})
    for target in targets:
        target.refresh_from_db()
        assert target.lease_until is None and target.last_error == ""
        load = Series.objects.get(asset=target.asset, kind="load", name="")
        assert load.last_at == slot  # the claimed slot, also for the taken-over scrape
        # One sample, in one bucket: nothing stored twice.
        assert list(Bucket.objects.filter(series=load).values_list("count", flat=True)) == [1]
        assert target.next_run_at == slot + timedelta(seconds=3600)
