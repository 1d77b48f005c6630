"""Sending through a real local receiver: the requests Slack's incoming webhooks, Slack's
Web API and a Teams Workflows webhook get, threads by ts, retries with backoff, permanent
errors, the last error on the channel, and the lease on a message being sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.chat import conf
from integrations.models import ChatMessage, ChatThread, MessageStatus
from integrations.services.chat.sending import (
    Outcome,
    chat_message_claim,
    chat_message_record,
    chat_messages_dispatch,
)
from tests.factories import make_ticket
from tests.integrations.chat.receiver import API_PATH
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def always(db):
    from itsm.models import BusinessCalendar

    return BusinessCalendar.objects.get(name="24×7")


def test_slack_incoming_webhook_gets_block_kit_json(make_channel, alice, team, chat, always):
    make_channel("slack", calendar=always)
    ticket = make_ticket(alice, team=team, priority=2, title="VPN flaps")
    assert chat_messages_dispatch() == {"sent": 1}
    (request,) = chat.to("/slack/hook")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == conf.USER_AGENT
    assert "Authorization" not in request.headers
    assert request.body["blocks"][0]["text"]["text"] == f"{ticket.ref} · VPN flaps"
    assert "channel" not in request.body and "thread_ts" not in request.body


def test_teams_workflow_gets_an_adaptive_card_and_202_is_success(make_channel, alice, team,
                                                                 chat, always):
    channel = make_channel("teams", calendar=always)
    make_ticket(alice, team=team, priority=2)
    assert chat_messages_dispatch() == {"sent": 1}
    (request,) = chat.to("/teams/flow")
    assert request.body["type"] == "message"
    assert request.body["attachments"][0]["content"]["type"] == "AdaptiveCard"
    row = ChatMessage.objects.get(channel=channel)
    assert (row.status, row.status_code, row.attempts) == (MessageStatus.SENT, 202, 1)


def test_with_a_bot_token_a_tickets_updates_reply_in_its_thread(make_channel, alice, dee,
                                                                team, chat, always):
    channel = make_channel("slack", api=True, calendar=always)
    ticket = make_ticket(alice, team=team, priority=2)
    services.comment_add(ticket=ticket, actor=dee, body="Looking", internal=False)
    services.ticket_transition(ticket=ticket, actor=dee, to="resolved", note="Fixed the cable")
    assert chat_messages_dispatch() == {"sent": 3}
    root, *replies = chat.to(API_PATH)
    assert all(r.headers["Authorization"] == "Bearer xoxb-test-token" for r in chat.received)
    assert root.body["channel"] == "C0123ABCD" and "thread_ts" not in root.body
    thread = ChatThread.objects.get(channel=channel, key=ticket.ref)
    assert thread.ts == "1700000000.000001"
    events = [ChatMessage.objects.get(pk=pk).event for pk in
              ChatMessage.objects.order_by("pk").values_list("pk", flat=True)]
    assert events[0] == "ticket.created" and events[-1] == "ticket.resolved"
    assert [r.body.get("thread_ts") for r in replies] == [thread.ts] * len(replies)
    assert replies[-1].body["reply_broadcast"] is True
    assert all("reply_broadcast" not in r.body for r in replies[:-1])


def test_a_follow_up_waits_until_its_thread_has_a_root(make_channel, alice, dee, team, chat,
                                                       always):
    make_channel("slack", api=True, calendar=always)
    ticket = make_ticket(alice, team=team, priority=2)
    services.comment_add(ticket=ticket, actor=dee, body="Looking", internal=True)
    root, follow_up = ChatMessage.objects.order_by("pk")
    claim = chat_message_claim(ids=[follow_up.pk])
    assert claim is None  # the root is still pending: the reply would start its own thread
    claimed, _ = chat_message_claim()
    assert claimed.pk == root.pk


def test_a_failed_root_lets_the_next_message_start_the_thread(make_channel, alice, dee, team,
                                                              chat, always):
    channel = make_channel("slack", api=True, calendar=always)
    ticket = make_ticket(alice, team=team, priority=2)
    services.comment_add(ticket=ticket, actor=dee, body="Looking", internal=True)
    chat.script(API_PATH, "channel_not_found", None)
    assert chat_messages_dispatch() == {"failed": 1, "sent": 1}
    first, second = chat.to(API_PATH)
    assert "thread_ts" not in second.body
    assert ChatThread.objects.get(channel=channel).ts == "1700000000.000002"
    channel.refresh_from_db()
    assert channel.last_error == "Slack: channel_not_found"


def test_server_errors_are_retried_with_backoff_then_fail(make_channel, alice, team, chat,
                                                          always):
    channel = make_channel(calendar=always)
    make_ticket(alice, team=team, priority=2)
    chat.script("/slack/hook", 500)
    now = timezone.now()
    moments = [now]
    for wait in conf.BACKOFF:
        assert chat_messages_dispatch(now=moments[-1]) == {"retry": 1}
        row = ChatMessage.objects.get()
        assert row.next_attempt_at == moments[-1] + wait
        assert chat_messages_dispatch(now=row.next_attempt_at - timedelta(seconds=1)) == {}
        moments.append(row.next_attempt_at)
    assert chat_messages_dispatch(now=moments[-1]) == {"failed": 1}
    row = ChatMessage.objects.get()
    assert (row.status, row.attempts, row.status_code) == (MessageStatus.FAILED,
                                                           conf.MAX_ATTEMPTS, 500)
    assert len(chat.to("/slack/hook")) == conf.MAX_ATTEMPTS
    channel.refresh_from_db()
    assert channel.last_error == "HTTP 500: no_service" and channel.last_error_at == moments[-1]


def test_a_retry_that_succeeds_sends_once_more_and_is_sent(make_channel, alice, team, chat,
                                                           always):
    make_channel("teams", calendar=always)
    make_ticket(alice, team=team, priority=2)
    chat.script("/teams/flow", 503, None)
    now = timezone.now()
    assert chat_messages_dispatch(now=now) == {"retry": 1}
    assert chat_messages_dispatch(now=now + conf.BACKOFF[0]) == {"sent": 1}
    row = ChatMessage.objects.get()
    assert (row.status, row.attempts) == (MessageStatus.SENT, 2)


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_a_wrong_or_revoked_url_fails_at_once(make_channel, alice, team, chat, always, status):
    make_channel(calendar=always)
    make_ticket(alice, team=team, priority=2)
    chat.script("/slack/hook", status)
    assert chat_messages_dispatch() == {"failed": 1}
    assert ChatMessage.objects.get().last_error == f"HTTP {status}: no_service"


def test_slack_rate_limits_are_retried_and_bad_tokens_are_not(make_channel, alice, team, chat,
                                                              always):
    make_channel("slack", api=True, calendar=always)
    make_ticket(alice, team=team, priority=2)
    chat.script(API_PATH, "ratelimited", "invalid_auth")
    now = timezone.now()
    assert chat_messages_dispatch(now=now) == {"retry": 1}
    assert chat_messages_dispatch(now=now + conf.BACKOFF[0]) == {"failed": 1}
    assert ChatMessage.objects.get().last_error == "Slack: invalid_auth"


def test_a_message_being_sent_is_leased_and_taken_over_once_the_lease_expires(
        make_channel, alice, team, chat, always):
    make_channel(calendar=always)
    make_ticket(alice, team=team, priority=1)
    now = timezone.now()
    row, until = chat_message_claim(now=now)
    assert until > now and row.attempts == 1
    assert chat_message_claim(now=now) is None  # another worker finds it held
    assert chat_messages_dispatch(now=until - timedelta(seconds=1)) == {}
    # The first worker died: once the lease is over anyone posts it, and the dead
    # worker's late answer cannot overwrite what the new one recorded.
    assert chat_messages_dispatch(now=until + timedelta(seconds=1)) == {"sent": 1}
    assert chat_message_record(row=row, until=until, outcome=Outcome(ok=False, error="late"),
                               now=until + timedelta(seconds=5)) == "lost"
    row = ChatMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 2, "")


def test_an_address_the_network_guard_refuses_is_not_retried(make_channel, alice, team, chat,
                                                            always, settings):
    make_channel(calendar=always)
    make_ticket(alice, team=team, priority=2)
    settings.TEND_MONITORING_ALLOW_PRIVATE = False
    assert chat_messages_dispatch() == {"failed": 1}
    assert ChatMessage.objects.get().last_error.startswith("refused")
    assert chat.received == []


def test_with_the_broker_down_the_beat_sweep_sends_what_was_committed(
        make_channel, alice, team, chat, always, monkeypatch,
        django_capture_on_commit_callbacks):
    from integrations.chat import tasks
    from itsm.config.celery import app
    from itsm.config.schedule import BEAT_SCHEDULE

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    make_channel(calendar=always)
    monkeypatch.setattr(tasks.send_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(alice, team=team, priority=1)
    assert ChatMessage.objects.get().status == MessageStatus.PENDING and not chat.received
    entry = BEAT_SCHEDULE["integrations-chat-sweep"]
    assert entry["task"] in app.tasks and entry["schedule"] <= 10
    assert app.tasks[entry["task"]].delay().get() == {"sent": 1}
    assert ChatMessage.objects.get().status == MessageStatus.SENT and len(chat.received) == 1
