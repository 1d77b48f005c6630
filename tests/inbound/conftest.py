"""A mailbox that no server backs, for what happens after a message is read: receive,
the desk pages, the API (the poller's tests read the real Dovecot: services/conftest.py)."""

import pytest

from inbound.models import Mailbox
from tests.inbound.imapserver import SUPPORT


@pytest.fixture
def box(db, team):
    return Mailbox.objects.create(name="support", address=SUPPORT, host="imap.example",
                                  username="support", password="secret", team=team)
