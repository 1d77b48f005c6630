"""The real Dovecot `.ci/run` starts on 127.0.0.1, and a folder of its own per test.

TEND_TEST_IMAP_URL (imap://tend:tend@127.0.0.1:10143) names it; TEND_TEST_IMAP_CA the
certificate its IMAPS port (10993) presents. Off CI a missing server skips the test with
the reason; under CI it fails it, so a green run really polled a server.

Each test reads a fresh folder `t<uuid>` with its `t<uuid>/Processed` and `t<uuid>/Failed`
next to it, so runs and parallel workers never see each other's mail.
"""

import os
import socket
import uuid
from collections import Counter
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import unquote, urlparse

import pytest
from django.utils import timezone
from imap_tools import MailBoxUnencrypted

from inbound.models import InboundMessage, Mailbox, Outcome, State
from tests.conftest import need
from tickets.models import Ticket

SUPPORT = "support@tend.example"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def imap_url():
    url = os.environ.get("TEND_TEST_IMAP_URL", "")
    parsed = urlparse(url)
    need(bool(url) and _answers(parsed.hostname or "", parsed.port or 143),
         "needs Dovecot: set TEND_TEST_IMAP_URL=imap://tend:tend@127.0.0.1:10143 "
         "(.ci/run starts one)")
    return parsed


class Folder:
    """A test's folder on the server: APPEND to it, look into it and its neighbours."""

    def __init__(self, url, name: str):
        self.url, self.name = url, name
        self.processed, self.failed = f"{name}/Processed", f"{name}/Failed"

    def connect(self) -> MailBoxUnencrypted:
        box = MailBoxUnencrypted(self.url.hostname, self.url.port or 143, timeout=30)
        return box.login(unquote(self.url.username), unquote(self.url.password),
                         initial_folder=None)

    def append(self, *messages: bytes, folder: str | None = None) -> None:
        with self.connect() as box:
            for raw in messages:
                box.append(raw, folder or self.name)

    def raws(self, folder: str | None = None) -> list[bytes]:
        """Every message in `folder` (this test's own by default), oldest first."""
        with self.connect() as box:
            if not box.folder.exists(folder or self.name):
                return []
            box.folder.set(folder or self.name)
            return [bytes(m.obj.as_bytes()) for m in box.fetch(mark_seen=False, bulk=True)]

    def count(self, folder: str | None = None) -> int:
        with self.connect() as box:
            if not box.folder.exists(folder or self.name):
                return 0
            return box.folder.status(folder or self.name)["MESSAGES"]

    def recreate(self) -> None:
        """Delete the folder and make it again, empty: the server gives a new UIDVALIDITY."""
        with self.connect() as box:
            box.folder.delete(self.name)
            box.folder.create(self.name)

    def mailbox(self, **fields) -> Mailbox:
        values = {"name": f"box-{self.name}", "address": SUPPORT,
                  "host": self.url.hostname, "port": self.url.port or 143, "use_tls": False,
                  "username": unquote(self.url.username),
                  "password": unquote(self.url.password), "folder": self.name,
                  "processed_folder": self.processed, "failed_folder": self.failed,
                  "next_poll_at": timezone.now()}
        return Mailbox.objects.create(**{**values, **fields})

    def clean(self) -> None:
        with self.connect() as box:
            for name in (self.processed, self.failed, self.name):
                if box.folder.exists(name):
                    box.folder.delete(name)


@pytest.fixture
def imap_folder(imap_url):
    folder = Folder(imap_url, f"t{uuid.uuid4().hex[:12]}")
    with folder.connect() as box:
        box.folder.create(folder.name)
    yield folder
    folder.clean()


def mail(*, sender: str, subject: str, body: str = "Hello,\n\nit does not work.\n",
         to: str = SUPPORT, cc: str = "", message_id: str | None = None,
         in_reply_to: str = "", references: str = "", headers: dict | None = None) -> bytes:
    """A plain text message as a mail client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def message_id_of(raw: bytes) -> str:
    return message_from_bytes(raw)["Message-ID"]


def messages_of(mailbox: Mailbox):
    return InboundMessage.objects.filter(mailbox=mailbox)


def assert_exactly_once(box: Mailbox, imap_folder: Folder, raws: list[bytes], requester, *,
                        copies_may_repeat: bool = False):
    """Each message received once, made one ticket, moved once; the folder empty. Pollers
    whose leases lapsed can MOVE one UID at the same moment, and an IMAP server lets both
    copies land (poll.py, 5.): then the processed folder may hold a message twice."""
    rows = messages_of(box)
    assert rows.count() == len(raws)
    assert set(rows.values_list("message_id", flat=True)) == {message_id_of(r) for r in raws}
    assert set(rows.values_list("state", flat=True)) == {State.PROCESSED}
    assert rows.filter(outcome=Outcome.NEW_TICKET).count() == len(raws)
    assert rows.values("ticket").distinct().count() == len(raws)
    assert Ticket.objects.filter(requester=requester).count() == len(raws)
    assert not rows.filter(moved_at__isnull=True).exists()
    assert imap_folder.count() == 0
    moved = Counter(message_id_of(raw) for raw in imap_folder.raws(imap_folder.processed))
    if copies_may_repeat:
        assert set(moved) == {message_id_of(raw) for raw in raws}
    else:
        assert moved == Counter({message_id_of(raw): 1 for raw in raws})
