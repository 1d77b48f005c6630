"""Admins' changes to chat channels: save (secrets kept when left blank), delete, send a
test message. Every change is in the audit log ("chat_changed"), never with a secret.

The webhook URL and the bot token are write-only like mailbox passwords: a blank value in
a save keeps the stored one, so forms never need to send them back.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrations import http
from integrations.chat.summary import summarize
from integrations.models import ChatChannel, ChatMessage, MessageStatus, Provider
from integrations.services.chat.outbox import TEST_EVENT, chat_message_create
from itsm.events import EVENTS
from itsm.models import User
from itsm.services.access import require_perm
from itsm.services.audit import audit_record

SECRETS = ("webhook_url", "bot_token")
PRIORITIES = (1, 2, 3, 4)


def chat_channel_check(channel: ChatChannel) -> None:
    """What the model cannot say alone: where messages go, and what the channel wants."""
    errors: dict[str, list[str]] = {}
    if channel.provider == Provider.TEAMS and channel.bot_token:
        errors["bot_token"] = ["A bot token is for Slack; Teams posts through its "
                               "Workflows webhook URL."]
    if channel.uses_api:
        if not channel.slack_channel:
            errors["slack_channel"] = ["With a bot token, name the Slack channel ID "
                                       "(e.g. C0123ABCD) the bot posts to."]
        if any(ch.isspace() for ch in channel.bot_token):
            errors["bot_token"] = ["A bot token has no spaces."]
    elif not channel.webhook_url:
        errors["webhook_url"] = ["Give the channel's webhook URL"
                                 + (" (or a bot token and channel ID)."
                                    if channel.provider == Provider.SLACK else ".")]
    if channel.webhook_url:
        problem = http.check_url(channel.webhook_url)
        if problem:
            errors["webhook_url"] = [problem]
    events = channel.events if isinstance(channel.events, list) else None
    if not events:
        errors["events"] = ["Choose at least one event."]
    elif unknown := [name for name in events if name not in EVENTS]:
        errors["events"] = [f"Unknown event(s): {', '.join(map(str, unknown))}."]
    priorities = channel.priorities if isinstance(channel.priorities, list) else None
    if priorities is None or any(p not in PRIORITIES for p in priorities):
        errors["priorities"] = ["Priorities are 1 to 4 (P1–P4); none means every one."]
    if errors:
        raise ValidationError(errors)


def chat_channel_save(*, channel: ChatChannel, actor: User | None, request=None,
                      clear_bot_token: bool = False, now: datetime | None = None,
                      **changes) -> ChatChannel:
    """Create (unsaved `channel`) or update one; each `changes` item is set first. A blank
    secret keeps the stored one (`clear_bot_token` removes the token: back to the webhook
    URL). Raises ValidationError with field messages."""
    created = channel.pk is None
    require_perm(actor, "integrations.add_chatchannel" if created
                 else "integrations.change_chatchannel")
    now = now or timezone.now()
    stored = ChatChannel.objects.filter(pk=channel.pk).first() if not created else None
    for name, value in changes.items():
        setattr(channel, name, value)
    if isinstance(channel.priorities, list) and all(
            type(p) is int for p in channel.priorities):
        channel.priorities = sorted(set(channel.priorities))
    for name in SECRETS:
        if stored is not None and not getattr(channel, name):
            setattr(channel, name, getattr(stored, name))
    if clear_bot_token:
        channel.bot_token = ""
    channel.full_clean(exclude=["events", "priorities"])
    chat_channel_check(channel)
    changed = _changed(stored, channel) if stored else sorted(
        {"team", "provider", "name", "events", "priorities"}
        | {name for name in SECRETS if getattr(channel, name)})
    with transaction.atomic():
        channel.updated_at = now
        if created:
            channel.created_at = now
        channel.save()
        if stored is not None and stored.enabled and not channel.enabled:
            # Nothing queued goes out late once the channel is enabled again.
            channel.messages.filter(status=MessageStatus.PENDING).exclude(
                event=TEST_EVENT).update(status=MessageStatus.DROPPED, next_attempt_at=None,
                                         last_error="The channel was disabled.")
        if changed:
            audit_record(action="chat_changed", actor=actor, request=request, now=now,
                         target=f"chat_channel:{channel.pk}",
                         detail={"op": "created" if created else "changed",
                                 "name": channel.name, "provider": channel.provider,
                                 "team": channel.team.name, "fields": changed})
    return channel


def _changed(stored: ChatChannel, channel: ChatChannel) -> list[str]:
    """Names of the fields that changed (a secret only by name: its value is never logged)."""
    fields = ("team_id", "provider", "name", "webhook_url", "bot_token", "slack_channel",
              "events", "priorities", "calendar_id", "outside_hours", "enabled")
    return [name.removesuffix("_id") for name in fields
            if getattr(stored, name) != getattr(channel, name)]


def chat_channel_delete(*, channel: ChatChannel, actor: User | None, request=None,
                        now: datetime | None = None) -> None:
    require_perm(actor, "integrations.delete_chatchannel")
    with transaction.atomic():
        audit_record(action="chat_changed", actor=actor, request=request, now=now,
                     target=f"chat_channel:{channel.pk}",
                     detail={"op": "deleted", "name": channel.name,
                             "provider": channel.provider, "team": channel.team.name})
        channel.delete()


def chat_channel_test(*, channel: ChatChannel, actor: User | None, request=None,
                      now: datetime | None = None) -> ChatMessage:
    """"Send test message": queued like any message (quiet hours do not apply), sent after
    commit; its outcome shows in the channel's recent messages and last error."""
    require_perm(actor, "integrations.change_chatchannel")
    with transaction.atomic():
        row = chat_message_create(channel=channel, summary=summarize(TEST_EVENT, {}),
                                  now=now, quiet_hours=False)
        audit_record(action="chat_changed", actor=actor, request=request, now=now,
                     target=f"chat_channel:{channel.pk}",
                     detail={"op": "tested", "name": channel.name, "message": row.pk})
    return row
