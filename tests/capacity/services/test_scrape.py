"""The scrape engine's claim (a lease) and its outbound guards: netguard, size cap,
timeouts, no redirects. Fetches go to a real local HTTP server."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from capacity.models import ScrapeTarget
from capacity.services import scrape
from tests.factories import AssetFactory


class Handler(BaseHTTPRequestHandler):
    """/big: over the cap; /slow: answers after 3 s; /moved: a redirect; /500: an error."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits.append(self.path)
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 500 if self.path == "/500" else 200
        body = b"# HELP x y\n" + (b"x 1\n" * 4000 if self.path == "/big" else b"up 1\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        if self.path != "/big":  # the cap must hold without a Content-Length too
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def exporter():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads, server.hits = True, []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def asset(db, service):
    return AssetFactory(name="web-01", hostname="web-01.example.com", service=service)


def target(asset, url, *, now=None, **kwargs) -> ScrapeTarget:
    # Straight to the table: targets.py validates on save; here the engine's own guards
    # must hold for whatever is in it.
    return ScrapeTarget.objects.create(asset=asset, url=url,
                                       next_run_at=now or timezone.now(), **kwargs)


def test_a_due_target_is_claimed_once_with_a_lease_and_its_next_slot(asset, settings):
    settings.TEND_LEASE_SECONDS = 60
    now = timezone.now()
    row = target(asset, "http://127.0.0.1:9/metrics", interval=60, timeout=10, now=now)
    claims = scrape.scrape_targets_claim(now=now)
    assert [(c.target_id, c.slot) for c in claims] == [(row.pk, now)]
    row.refresh_from_db()
    assert row.next_run_at == now + timedelta(seconds=60)
    assert row.lease_until == now + timedelta(seconds=60)
    # Claimed: a second dispatcher a moment later takes nothing.
    assert scrape.scrape_targets_claim(now=now + timedelta(seconds=5)) == []


def test_a_target_down_for_a_while_is_scraped_at_its_latest_slot_only(asset):
    start = timezone.now()
    row = target(asset, "http://127.0.0.1:9/metrics", interval=60, now=start)
    now = start + timedelta(seconds=150)
    [claim] = scrape.scrape_targets_claim(now=now)
    assert claim.slot == start + timedelta(seconds=120)
    row.refresh_from_db()
    assert row.next_run_at == start + timedelta(seconds=180)


def test_disabled_and_not_yet_due_targets_are_left_alone(asset):
    now = timezone.now()
    target(asset, "http://127.0.0.1:9/a", now=now + timedelta(seconds=30))
    target(asset, "http://127.0.0.1:9/b", now=now, enabled=False)
    assert scrape.scrape_targets_claim(now=now) == []


def test_a_claim_that_ran_out_unfinished_is_taken_over_for_the_same_slot(asset, settings):
    settings.TEND_LEASE_SECONDS = 20
    now = timezone.now()
    row = target(asset, "http://127.0.0.1:9/metrics", interval=60, timeout=5, now=now)
    [first] = scrape.scrape_targets_claim(now=now)  # and its worker dies
    assert scrape.scrape_targets_claim(now=now + timedelta(seconds=19)) == []
    [second] = scrape.scrape_targets_claim(now=now + timedelta(seconds=21))
    assert (second.target_id, second.slot) == (row.pk, first.slot)
    assert second.lease_until > first.lease_until
    # The first worker, back from the dead, may not end the second one's claim.
    scrape.scrape_result_record(claim=first, body=None, error="late")
    row.refresh_from_db()
    assert row.lease_until == second.lease_until and row.last_error == ""


@pytest.mark.parametrize(("path", "message"), [
    ("/500", "HTTP 500 from"),
    ("/big", "more than 1024 bytes"),
    ("/slow", "took longer than 1 s"),
    ("/moved", "HTTP 302 from"),  # redirects are not followed, wherever they point
])
def test_a_target_that_fails_records_why_and_ends_its_claim(asset, exporter, settings,
                                                            path, message):
    settings.TEND_SCRAPE_MAX_BYTES = 1024
    row = target(asset, exporter.url + path, timeout=1)
    report = scrape.capacity_scrape_dispatch()
    assert report == {"claimed": 1, "ok": 0, "failed": 1, "samples": 0}
    row.refresh_from_db()
    assert message in row.last_error
    assert row.lease_until is None and row.last_ok_at is None
    assert exporter.hits == [path]


def test_metadata_targets_are_refused_at_connect_time_whatever_was_saved(asset):
    row = target(asset, "http://169.254.169.254/metrics")
    scrape.capacity_scrape_dispatch()
    row.refresh_from_db()
    assert "metadata" in row.last_error and row.lease_until is None


def test_private_targets_are_refused_at_connect_time_when_turned_off(asset, exporter,
                                                                     settings):
    row = target(asset, exporter.url + "/metrics")
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    scrape.capacity_scrape_dispatch()
    row.refresh_from_db()
    assert "not a globally reachable address" in row.last_error
    assert exporter.hits == []
