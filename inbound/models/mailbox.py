"""A mailbox Tend reads: where it is, how to sign in, what new tickets get, and its poll state."""

from django.db import models
from django.utils import timezone

from itsm.models import Service, Team
from tickets.models import Category


class AuthMethod(models.TextChoices):
    PASSWORD = "password", "Password"
    XOAUTH2 = "xoauth2", "OAuth2 (XOAUTH2)"


class Mailbox(models.Model):
    name = models.CharField(max_length=80, unique=True)
    address = models.EmailField(help_text="The support address: Reply-To of Tend's mails.")
    enabled = models.BooleanField(default=True)

    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_tls = models.BooleanField(default=True)
    username = models.CharField(max_length=255)
    auth_method = models.CharField(max_length=20, choices=AuthMethod.choices,
                                   default=AuthMethod.PASSWORD)
    # Secrets are write-only: forms, the API and pages never render them back.
    password = models.CharField(max_length=255, blank=True)
    oauth_token_url = models.URLField(blank=True)
    oauth_client_id = models.CharField(max_length=255, blank=True)
    oauth_client_secret = models.CharField(max_length=255, blank=True)
    oauth_refresh_token = models.TextField(blank=True)

    folder = models.CharField(max_length=255, default="INBOX")
    processed_folder = models.CharField(max_length=255, default="Tend/Processed")
    failed_folder = models.CharField(max_length=255, default="Tend/Failed")

    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    allow_unknown_senders = models.BooleanField(
        default=False, help_text="Else senders without an account get a polite refusal.")
    internal_note_marker = models.CharField(
        max_length=40, default="#internal",
        help_text="A staff mail starting with this becomes an internal note.")
    max_message_bytes = models.PositiveIntegerField(default=25 * 1024 * 1024)
    sender_hourly_cap = models.PositiveSmallIntegerField(
        default=10, help_text="New tickets and automatic replies per sender per hour; "
                              "the overflow is held for an admin.")
    poll_interval_seconds = models.PositiveIntegerField(default=60)
    # sha256 of the per-mailbox token of the inbound endpoint; the token is shown once.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The claim of a poller (DESIGN.md, leases): whoever finds it expired takes over.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    supports_idle = models.BooleanField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.name
