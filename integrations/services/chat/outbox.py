"""The chat outbox: an itsm.events listener writes one ChatMessage per channel that wants
the event, inside the publisher's transaction, and asks for it to be sent after commit.

A change that rolls back takes its messages with it; a committed one always has them,
even if the broker is down when `on_commit` fires: the beat sweep (sending.py) finds every
due message no worker holds. The payload is built and frozen here.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from integrations.chat import slack, teams
from integrations.chat.summary import Summary, summarize
from integrations.models import ChatChannel, ChatMessage, MessageStatus, Provider
from integrations.services.chat.hours import channel_calendar, timing
from itsm.events import Event
from itsm.performance.config_cache import config

log = logging.getLogger(__name__)
TEST_EVENT = "chat.test"


def wants(channel: ChatChannel, event: Event) -> bool:
    """The channel's team, one of its events, one of its priorities (empty = all). An
    event without a team (a check with no team) reaches no channel."""
    return (event.team_id is not None and event.team_id == channel.team_id
            and event.name in channel.events
            and (not channel.priorities or event.priority in channel.priorities))


def payload(channel: ChatChannel, summary: Summary) -> dict:
    return (slack.message(summary) if channel.provider == Provider.SLACK
            else teams.message(summary))


def chat_message_create(*, channel: ChatChannel, summary: Summary,
                        ticket_id: int | None = None, now: datetime | None = None,
                        quiet_hours: bool = True) -> ChatMessage:
    """Queue one message; it is sent after the transaction commits (or when the channel's
    calendar opens, or never if quiet hours drop it)."""
    now = now or timezone.now()
    when = (timing(channel, priority=summary.priority, now=now,
                   calendar=channel_calendar(channel, ticket_id=ticket_id))
            if quiet_hours else None)
    row = ChatMessage(channel=channel, event=summary.event, thread_key=summary.ref,
                      payload=payload(channel, summary), created_at=now, next_attempt_at=now)
    if when is not None and when.send_at is None:
        row.status, row.next_attempt_at = MessageStatus.DROPPED, None
        row.last_error = "Outside the team's working hours; this channel drops P2–P4 then."
    elif when is not None and when.held:
        row.next_attempt_at = row.held_until = when.send_at
    with transaction.atomic():
        row.save()
        if row.status == MessageStatus.PENDING and row.next_attempt_at <= now:
            transaction.on_commit(lambda: enqueue(row.pk))
    return row


@config("integrations.ChatChannel")
def teams_with_channels() -> frozenset[int]:
    """Teams with an enabled channel, cached per process (itsm.performance.config_cache):
    most events, on most installs, concern no channel and cost no query here. A channel
    added in another process is heard within config_cache.MAX_AGE seconds."""
    return frozenset(ChatChannel.objects.filter(enabled=True)
                     .values_list("team_id", flat=True).distinct())


def interested(event: Event) -> bool:
    return event.team_id is not None and event.team_id in teams_with_channels()


def event_received(event: Event) -> None:
    """The itsm.events listener (IntegrationsConfig.ready). No I/O: rows and on_commit."""
    if event.team_id is None or event.team_id not in teams_with_channels():
        return
    channels = ChatChannel.objects.filter(enabled=True, team_id=event.team_id) \
        .select_related("calendar")
    for channel in channels:
        if wants(channel, event):
            summary = summarize(event.name, event.data, priority=event.priority)
            chat_message_create(channel=channel, summary=summary, now=event.occurred_at,
                                ticket_id=_ticket_id(event.data))


def _ticket_id(data: dict) -> int | None:
    ticket = data.get("ticket")
    pk = ticket.get("id") if isinstance(ticket, dict) else None
    return pk if isinstance(pk, int) else None


def enqueue(message_id: int) -> None:
    """Ask a worker to send now. A broker that is down only delays it until the sweep."""
    from integrations.chat.tasks import send_message

    try:
        send_message.delay(message_id)
    except Exception:  # kombu's OperationalError and friends: the sweep will find it
        log.warning("Could not enqueue chat message %s; the sweep will send it",
                    message_id, exc_info=True)
