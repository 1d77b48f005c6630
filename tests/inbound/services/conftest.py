"""The real Dovecot and a folder per test, for the poller's tests (tests/inbound/imapserver.py)."""

from tests.inbound.imapserver import imap_folder, imap_url  # noqa: F401 (fixtures)
