"""A person's API tokens: named, optionally expiring or read-only, revocable one by one.

Only the sha256 of a key is stored; the plaintext is shown once, when it is created
(itsm/services/tokens.py). `prefix` is enough of the key to recognise it in a list.
Scripts send it as `Authorization: Token <key>` (itsm/api/auth_token.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    read_only = models.BooleanField(
        default=False, help_text="GET, HEAD and OPTIONS only: anything else is a 403.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Touched at most once a minute (itsm/api/auth_token.py), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
