"""Chat channels (a team's Slack or Teams channel), the messages queued for them (the chat
outbox) and the Slack threads that keep one ticket's updates together.

A ChatMessage's payload is built when the event is received (inside the publisher's
transaction) and frozen; only Slack's `thread_ts` is added at send time, because the
thread's first message may not have been answered yet when a follow-up is written.
"""

from django.db import models
from django.utils import timezone

from itsm.models import BusinessCalendar, Team


class Provider(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class OutsideHours(models.TextChoices):
    HOLD = "hold", "Hold until the calendar opens"
    DROP = "drop", "Drop (do not send)"


class ChatChannel(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=10, choices=Provider.choices)
    name = models.CharField(max_length=80)
    # Secrets are write-only like mailbox passwords: forms and pages never render them back.
    # The URL is a secret: whoever has it can post to the channel.
    webhook_url = models.CharField(
        max_length=500, blank=True,
        help_text="Slack incoming webhook or Teams Workflows “Post to a channel when a "
                  "webhook request is received” URL.")
    bot_token = models.CharField(
        max_length=255, blank=True,
        help_text="Slack only, optional: a bot token (xoxb-…) with chat:write. With it, "
                  "messages go through chat.postMessage and a ticket's updates go to its "
                  "thread.")
    slack_channel = models.CharField(
        max_length=40, blank=True, help_text="Slack channel ID (e.g. C0123ABCD), needed "
                                             "with a bot token.")
    # Names from itsm.events.EVENTS; priorities 1..4, empty means every priority.
    events = models.JSONField(default=list)
    priorities = models.JSONField(default=list, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Quiet hours: outside this calendar's working time only P1 goes out at "
                  "once. Empty: the calendar of the team's SLA policy.")
    outside_hours = models.CharField(max_length=10, choices=OutsideHours.choices,
                                     default=OutsideHours.HOLD,
                                     help_text="What happens to P2–P4 outside working hours.")
    enabled = models.BooleanField(default=True)
    last_error = models.CharField(max_length=300, blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["team__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_provider_display()})"

    @property
    def uses_api(self) -> bool:
        """Slack with a bot token: chat.postMessage, answers carry the ts threads need."""
        return self.provider == Provider.SLACK and bool(self.bot_token)


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DROPPED = "dropped", "Dropped (quiet hours)"


class ChatMessage(models.Model):
    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE,
                                related_name="messages")
    event = models.CharField(max_length=40)
    # The ticket's ref: Slack threads are kept per (channel, thread_key).
    thread_key = models.CharField(max_length=40, blank=True)
    payload = models.JSONField(editable=False)
    status = models.CharField(max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Due from this moment (quiet hours hold it until the calendar opens; retries back off).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    held_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The lease of the worker sending it (DESIGN.md, leases): expired = anyone may take over.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: pending rows whose moment has come.
            models.Index(fields=["status", "next_attempt_at"], name="chat_message_due"),
            # A follow-up waits for older messages of its thread (services/chat/sending.py).
            models.Index(fields=["channel", "thread_key", "status"], name="chat_message_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.thread_key} → {self.channel_id}"


class ChatThread(models.Model):
    """The Slack message a ticket's updates reply to in one channel."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="threads")
    key = models.CharField(max_length=40)
    ts = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "key"],
                                               name="chat_thread_once")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.ts}"
