"""Per-asset agent tokens: a host's agent writes its own asset's metrics and inventory.

Only the sha256 of a key is stored; the plaintext is shown once, when it is created
(itsm/services/asset_tokens.py). `prefix` is enough of the key to recognise it in a list.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itsm.models.catalog import Asset


class AssetToken(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, default="agent")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=24, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Touched at most once a minute (itsm/api/auth_asset.py), not on every push.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["asset", "-created_at"]
        indexes = [models.Index(fields=["asset", "revoked_at"], name="asset_token_live")]

    def __str__(self) -> str:
        return f"{self.asset}: {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
