"""A ticket's mail: who else is on it (Cc'd participants) and the Message-IDs that thread to it.

Both are written by the mail channel (inbound/) and by the notifications the ticket sends:
every Message-ID Tend stores or sends is a MailReference, so a reply naming it in
In-Reply-To/References lands on its ticket whatever its subject says.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .conversation import Comment
from .ticket import Ticket


class Participant(models.Model):
    """Someone besides the requester who receives the ticket's public replies."""

    class Source(models.TextChoices):
        CC = "cc", "Cc on a mail"
        ADDED = "added", "Added on the desk"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    # Lower-cased; the user is filled in when the address has an account.
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CC)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "email"],
                                               name="participant_once")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class MailReference(models.Model):
    """A Message-ID (with its <>) that belongs to a ticket's thread."""

    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    message_id = models.CharField(max_length=255)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="mail_references")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["message_id"],
                                               name="mail_reference_once")]
        # The thread's first mail (its root) is the ticket's earliest reference.
        indexes = [models.Index(fields=["ticket", "created_at"], name="mail_reference_ticket")]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.ticket_id}"
