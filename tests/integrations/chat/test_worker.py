"""End to end on a real Celery worker: a check fails, its P1 incident opens, and the team's
Slack channel hears of it within 30 seconds, through the outbox and the after-commit task
(no beat in this test: the sweep is only the fallback)."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from integrations.models import ChatChannel, ChatMessage, MessageStatus
from integrations.services.chat.channels import chat_channel_save
from monitoring import services
from monitoring.models import Check
from tests.integrations.chat.receiver import ChatReceiver
from tests.killing import Broker, worker_process
from tests.waiting import wait_for
from tickets.models import Ticket

P1_WITHIN = 30  # seconds, from the incident's opening to the message in the channel


class Down(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def target():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Down)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/health"
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver():
    server = ChatReceiver().start()
    yield server
    server.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_checks_p1_incident_reaches_the_channel_within_30_seconds(
        redis_url, postgres, team, service, receiver, target, tmp_path):
    chat_channel_save(channel=ChatChannel(), actor=None, team=team, provider="slack",
                      name="#ops", webhook_url=receiver.slack_hook,
                      events=["incident.opened"], priorities=[1])
    check = services.check_create(actor=None, name="Mail gateway", kind="http", target=target,
                                  interval=60, timeout=5, failure_threshold=1,
                                  service=service, team=team, priority=1)
    Check.objects.filter(pk=check.pk).update(next_run_at=timezone.now() + timedelta(hours=1))
    (tmp_path / "mail").mkdir()
    broker = Broker(redis_url)
    try:
        with worker_process(redis_url=redis_url, mail_dir=tmp_path / "mail", lease=30,
                            env={"TEND_MONITORING_LOOKAHEAD": "0"}):
            broker.wait_for_worker()
            Check.objects.filter(pk=check.pk).update(next_run_at=timezone.now())
            broker.send("monitoring.tasks.dispatch")

            def the_channel_heard_of_it():
                return receiver.to("/slack/hook")

            (request,) = wait_for(the_channel_heard_of_it, seconds=P1_WITHIN + 15)
            heard = time.time()
    finally:
        broker.close()
    incident = Ticket.objects.get(kind="incident")
    assert incident.priority == 1 and incident.team == team
    assert heard - incident.created_at.timestamp() < P1_WITHIN
    header = request.body["blocks"][0]["text"]["text"]
    assert header == f"{incident.ref} · {incident.title}"[:150]
    assert "Incident opened by a failing check" in request.body["blocks"][1]["text"]["text"]
    assert ChatMessage.objects.get().status == MessageStatus.SENT
