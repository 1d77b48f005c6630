"""Sending chat messages: claim one with a lease, post it, record what came of it.

One message is claimed at a time (a guarded UPDATE on a row picked with skip_locked), so
a slow channel never lets the leases of a whole batch run out. A worker killed mid-post
leaves its lease to expire; whoever finds it expired posts again (chat has no id to
deduplicate on, so a kill costs at most one duplicate message, never a lost one).

Slack with a bot token posts through chat.postMessage: the answer's `ts` becomes the
ticket's thread in that channel, and a ticket's later messages reply in it. They wait
for the older messages of their thread, so the first one is the thread's root.
"""

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations import conf as webhook_conf
from integrations import http
from integrations.chat import conf, slack
from integrations.models import ChatChannel, ChatMessage, ChatThread, MessageStatus
from integrations.services.chat.outbox import TEST_EVENT, enqueue

log = logging.getLogger(__name__)
# Slack answers 200 with {"ok": false, "error": …}; these errors are worth another try.
SLACK_TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                   "request_timeout"}
TS = re.compile(r'"ts"\s*:\s*"([0-9.]+)"')
OK = re.compile(r'"ok"\s*:\s*(true|false)')
ERROR = re.compile(r'"error"\s*:\s*"([^"]*)"')
BATCH = 100


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retry: bool = False
    status_code: int | None = None
    error: str = ""
    ts: str = ""


def lease() -> timedelta:
    return webhook_conf.lease()


def _due(now: datetime):
    return (ChatMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(channel__enabled=True) | Q(event=TEST_EVENT))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def _waits_for_its_thread(row: ChatMessage) -> bool:
    """A follow-up whose thread's older messages are not out yet (their ts is the root)."""
    return bool(row.thread_key) and ChatMessage.objects.filter(
        channel_id=row.channel_id, thread_key=row.thread_key, status=MessageStatus.PENDING,
        pk__lt=row.pk).exists()


def chat_message_claim(*, ids: list[int] | None = None,
                       now: datetime | None = None) -> tuple[ChatMessage, datetime] | None:
    """Lease the oldest due message (of `ids`, if given); None when there is none."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = _due(now).order_by("pk")
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        rows = rows.select_related("channel").select_for_update(skip_locked=True, of=("self",))
        for row in rows[:20]:
            if row.channel.uses_api and _waits_for_its_thread(row):
                continue
            until = now + lease()
            claimed = ChatMessage.objects.filter(pk=row.pk, status=MessageStatus.PENDING) \
                .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)) \
                .update(claimed_until=until, attempts=F("attempts") + 1)
            if claimed:
                row.claimed_until, row.attempts = until, row.attempts + 1
                return row, until
    return None


def post(row: ChatMessage) -> Outcome:
    """The HTTP part, outside any transaction."""
    channel = row.channel
    headers = {"User-Agent": conf.USER_AGENT}
    if channel.uses_api:
        thread = ChatThread.objects.filter(channel=channel, key=row.thread_key).first() \
            if row.thread_key else None
        body = slack.with_thread(row.payload, channel=channel.slack_channel,
                                 thread_ts=thread.ts if thread else None, event=row.event)
        headers.update({"Authorization": f"Bearer {channel.bot_token}",
                        "Content-Type": "application/json; charset=utf-8"})
        sent = http.send(f"{conf.slack_api_url()}/chat.postMessage", body=_bytes(body),
                         headers=headers, timeout=webhook_conf.timeout())
        return _api_outcome(sent)
    sent = http.send(channel.webhook_url, body=_bytes(row.payload), headers=headers,
                     timeout=webhook_conf.timeout())
    if sent.ok:
        return Outcome(ok=True, status_code=sent.status_code)
    return _failure(sent)


def _bytes(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _failure(sent: http.Sent) -> Outcome:
    """Network trouble, 429 and 5xx are worth retrying; other answers (a wrong or revoked
    URL: 400, 403, 404, 410) will not get better by themselves."""
    if sent.status_code is None:
        refused = sent.error.startswith("refused")
        return Outcome(ok=False, retry=not refused, error=sent.error)
    answer = " ".join(sent.excerpt.split())[:200]
    error = f"HTTP {sent.status_code}" + (f": {answer}" if answer else "")
    return Outcome(ok=False, retry=sent.status_code == 429 or sent.status_code >= 500,
                   status_code=sent.status_code, error=error)


def _api_outcome(sent: http.Sent) -> Outcome:
    if not sent.ok:
        return _failure(sent)
    # The answer may be cut at 1 KB (it echoes the message): read ok, error and the
    # top-level ts, which Slack puts before the echoed message.
    ok, error, ts = OK.search(sent.excerpt), ERROR.search(sent.excerpt), TS.search(sent.excerpt)
    if ok and ok.group(1) == "true":
        return Outcome(ok=True, status_code=sent.status_code, ts=ts.group(1) if ts else "")
    code = error.group(1) if error else "unreadable answer"
    return Outcome(ok=False, retry=code in SLACK_TRANSIENT, status_code=sent.status_code,
                   error=f"Slack: {code}")


def chat_message_record(*, row: ChatMessage, until: datetime, outcome: Outcome,
                        now: datetime | None = None) -> str:
    """Store what came of one attempt, if our lease still holds the message."""
    now = now or timezone.now()
    channel = row.channel
    with transaction.atomic():
        mine = ChatMessage.objects.filter(pk=row.pk, claimed_until=until,
                                          status=MessageStatus.PENDING)
        if outcome.ok:
            if not mine.update(status=MessageStatus.SENT, sent_at=now, claimed_until=None,
                               status_code=outcome.status_code, last_error=""):
                return "lost"
            ChatChannel.objects.filter(pk=channel.pk).update(last_sent_at=now)
            if outcome.ts and row.thread_key:
                _thread_keep(channel, row.thread_key, outcome.ts, now)
            return "sent"
        final = not outcome.retry or row.attempts >= conf.MAX_ATTEMPTS
        changes = {"claimed_until": None, "status_code": outcome.status_code,
                   "last_error": outcome.error[:300]}
        if final:
            changes.update(status=MessageStatus.FAILED, next_attempt_at=None)
        else:
            changes["next_attempt_at"] = now + conf.BACKOFF[row.attempts - 1]
        if not mine.update(**changes):
            return "lost"
        ChatChannel.objects.filter(pk=channel.pk).update(
            last_error=outcome.error[:300], last_error_at=now)
        if final and row.thread_key:
            # Its followers no longer wait for it (the next one starts the thread instead).
            _wake_followers_of(channel.pk, row.thread_key, now)
        return "failed" if final else "retry"


def _thread_keep(channel: ChatChannel, key: str, ts: str, now: datetime) -> None:
    """The first answered message of a ticket is its thread; its followers go out now."""
    try:
        with transaction.atomic():
            ChatThread.objects.create(channel=channel, key=key, ts=ts, created_at=now)
    except IntegrityError:
        pass  # a thread was kept already: later messages reply to that one
    _wake_followers_of(channel.pk, key, now)


def _wake_followers_of(channel_id: int, key: str, now: datetime) -> None:
    waiting = list(ChatMessage.objects.filter(
        channel_id=channel_id, thread_key=key, status=MessageStatus.PENDING,
        next_attempt_at__lte=now).values_list("pk", flat=True)[:20])
    for pk in waiting:
        transaction.on_commit(lambda pk=pk: enqueue(pk))


def chat_messages_dispatch(*, ids: list[int] | None = None, now: datetime | None = None,
                           limit: int = BATCH) -> dict:
    """Claim, post and record due messages one at a time (of `ids`, or any), up to `limit`."""
    done: dict[str, int] = {}
    for _ in range(limit):
        claim = chat_message_claim(ids=ids, now=now)
        if claim is None:
            break
        row, until = claim
        try:
            outcome = post(row)
        except Exception as exc:  # a bug must not leave the row claimed for good
            log.exception("Chat message %s could not be posted", row.pk)
            outcome = Outcome(ok=False, retry=True, error=f"{type(exc).__name__}: {exc}"[:300])
        result = chat_message_record(row=row, until=until, outcome=outcome, now=now)
        done[result] = done.get(result, 0) + 1
    return done
