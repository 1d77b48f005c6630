"""Agent tokens per asset: created (plaintext shown once), revoked, looked up, touched.

A key is `tend_asset_` + 32 random url-safe bytes; only its sha256 is stored, so a leaked
database does not leak working keys. Support engineers and admins create and revoke them.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, User
from itsm.models.asset_token import AssetToken
from itsm.services.access import require_agent

PREFIX = "tend_asset_"
SHOWN = len(PREFIX) + 6  # how much of a key lists show
TOUCH_EVERY = timedelta(minutes=1)


def key_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8", errors="replace")).hexdigest()


def asset_token_create(*, asset: Asset, actor: User | None, name: str = "agent",
                       now: datetime | None = None) -> tuple[AssetToken, str]:
    """A new token for `asset`: (row, plaintext). The plaintext is not kept anywhere."""
    require_agent(actor, message="Only support engineers can create agent tokens.")
    name = (name or "agent").strip()
    if len(name) > 100:
        raise ValidationError({"name": ["At most 100 characters."]})
    plaintext = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AssetToken.objects.create(
            asset=asset, name=name or "agent", key_hash=key_hash(plaintext),
            prefix=plaintext[:SHOWN], created_by=actor, created_at=now or timezone.now())
    return token, plaintext


def asset_token_revoke(*, token: AssetToken, actor: User | None,
                       now: datetime | None = None) -> AssetToken:
    """Revoke `token` (again is a no-op): its next request is a 401."""
    require_agent(actor, message="Only support engineers can revoke agent tokens.")
    now = now or timezone.now()
    with transaction.atomic():
        AssetToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


def asset_token_find(plaintext: str) -> AssetToken | None:
    """The live or revoked token with this key, with its asset; None if unknown."""
    if not plaintext.startswith(PREFIX) or len(plaintext) > 200:
        return None
    return (AssetToken.objects.select_related("asset")
            .filter(key_hash=key_hash(plaintext)).first())


def asset_token_touch(*, token: AssetToken, now: datetime | None = None) -> None:
    """Record a use, at most once a minute: one guarded UPDATE, none in between."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    AssetToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gt=now - TOUCH_EVERY).update(last_used_at=now)
    token.last_used_at = now
