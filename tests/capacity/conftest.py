"""Capacity fixtures: an asset with an agent token."""

import pytest

from itsm.services import asset_tokens
from tests.factories import AssetFactory


@pytest.fixture
def asset(db):
    return AssetFactory(name="db-1", hostname="db-1.example.org")


@pytest.fixture
def other_asset(db):
    return AssetFactory(name="web-1", hostname="web-1.example.org")


@pytest.fixture
def agent_token(asset, dee):
    """(row, plaintext) of a live token of `asset`, issued by dee."""
    return asset_tokens.asset_token_create(asset=asset, actor=dee, name="agent")
