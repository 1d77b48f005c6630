"""Agent tokens: shown once, stored hashed, revocable, created only by support engineers."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from itsm.models import AssetToken
from itsm.services import asset_tokens
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_the_plaintext_is_returned_once_and_stored_hashed(dee):
    token, plaintext = asset_tokens.asset_token_create(asset=AssetFactory(), actor=dee,
                                                       name="agent")
    stored = AssetToken.objects.get(pk=token.pk)
    assert plaintext.startswith("tend_asset_") and plaintext.startswith(stored.prefix)
    assert stored.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in str(AssetToken.objects.values().get(pk=token.pk))
    assert asset_tokens.asset_token_find(plaintext) == stored


def test_end_users_cannot_create_or_revoke(bob, dee):
    with pytest.raises(PermissionDenied):
        asset_tokens.asset_token_create(asset=AssetFactory(), actor=bob, name="x")
    token, _ = asset_tokens.asset_token_create(asset=AssetFactory(), actor=dee, name="x")
    with pytest.raises(PermissionDenied):
        asset_tokens.asset_token_revoke(token=token, actor=bob)


def test_revoking_twice_keeps_the_first_moment(dee):
    token, _ = asset_tokens.asset_token_create(asset=AssetFactory(), actor=dee, name="x")
    first = timezone.now() - timedelta(hours=1)
    asset_tokens.asset_token_revoke(token=token, actor=dee, now=first)
    asset_tokens.asset_token_revoke(token=token, actor=dee)
    assert token.revoked_at == first


def test_last_used_is_touched_at_most_once_a_minute(dee):
    token, _ = asset_tokens.asset_token_create(asset=AssetFactory(), actor=dee, name="x")
    start = timezone.now()
    asset_tokens.asset_token_touch(token=token, now=start)
    asset_tokens.asset_token_touch(token=token, now=start + timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == start
    asset_tokens.asset_token_touch(token=token, now=start + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)
