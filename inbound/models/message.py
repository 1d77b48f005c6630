"""One message as received: kept raw, processed at most once, its outcome recorded."""

import secrets

from django.db import models
from django.utils import timezone

from tickets.models import Comment, Ticket

from .mailbox import Mailbox


class State(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    HELD = "held", "Held"
    # Automatic mail nothing answers (an out-of-office to an acknowledgement).
    IGNORED = "ignored", "Ignored"


class Outcome(models.TextChoices):
    NEW_TICKET = "new_ticket", "New ticket"
    REPLY = "reply", "Reply"
    NOTE = "note", "Internal note"
    BOUNCE = "bounce", "Bounce"
    REFUSED = "refused", "Unknown sender refused"
    AUTOMATIC = "automatic", "Automatic mail"
    DUPLICATE = "duplicate", "Duplicate"
    NONE = "", "None"


def raw_path(instance, filename: str) -> str:
    # Random stored name: nothing from the message reaches the filesystem.
    return f"inbound/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.eml"


class InboundMessage(models.Model):
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    # Null for messages posted to the inbound endpoint.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    # With <>; a message without one gets "<sha256(raw)[:40]@inbound.tend>".
    message_id = models.CharField(max_length=255)
    raw = models.FileField(upload_to=raw_path, max_length=255)
    size = models.PositiveIntegerField()
    sender = models.EmailField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED,
                             db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    is_automatic = models.BooleanField(default=False)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound_messages")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    processed_at = models.DateTimeField(null=True, blank=True)
    # When the server copy went to the processed or failed folder; null means a poll still
    # has to move it (a worker killed between the commit and the move).
    moved_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"],
                                    condition=models.Q(uid__isnull=False),
                                    name="inbound_uid_once"),
            models.UniqueConstraint(fields=["message_id"], name="inbound_message_id_once"),
        ]
        indexes = [
            # The per-sender hourly cap counts a sender's recent messages.
            models.Index(fields=["sender", "received_at"], name="inbound_sender_recent"),
            # The admins' failed and held lists.
            models.Index(fields=["state", "received_at"], name="inbound_state_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.state})"
