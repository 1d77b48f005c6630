"""One signed-in IMAP connection to a mailbox, through imap-tools; reads nothing into models.

The poller (services/poll.py) and the IDLE watcher (manage.py watch_mailboxes) use it:
sign in by password or XOAUTH2, make the processed and failed folders, select the folder
read (its UIDVALIDITY comes with the SELECT answer), list UIDs past the last one seen
with their sizes, fetch raw messages by UID in batches without setting \\Seen, move by UID.

XOAUTH2 (Google, Microsoft 365): an access token is obtained from the mailbox's
`oauth_token_url` with its refresh token (RFC 6749 §6), and sent as the SASL string
"user=<user>^Aauth=Bearer <token>^A^A" (RFC 7628 §3.1's kvpairs, Google's XOAUTH2 form).
A token endpoint that rotates refresh tokens (Microsoft's) answers a new one; the session
carries it for the poll service to store.

Every failure is an ImapError (LoginFailed for a refused sign-in or token) whose message
names the server and is safe to store in `last_error` and show to admins.
"""

import email
import imaplib
import re
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import httpx
from imap_tools import MailBox, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError, MailboxLoginError

TIMEOUT = 30  # seconds for a connect or a command; a poll's lease is longer
TOKEN_TIMEOUT = 15
_SIZE = re.compile(rb"UID (\d+)|RFC822\.SIZE (\d+)")


class ImapError(Exception):
    """The mailbox could not be read; the message names the server, never a secret."""


class LoginFailed(ImapError):
    """The server or the token endpoint refused the mailbox's credentials."""


class RawMessage(MailMessage):
    """imap-tools' fetched message, keeping the bytes as the server sent them (the raw copy
    Tend stores); parsed only if someone asks for a header."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = \
            self._get_message_data_parts(fetch_data)

    @cached_property
    def obj(self):
        return email.message_from_bytes(self.raw)


class _RawMailBox(MailBox):
    email_message_class = RawMessage


class _RawMailBoxUnencrypted(MailBoxUnencrypted):
    email_message_class = RawMessage


def xoauth2_string(username: str, access_token: str) -> bytes:
    """The XOAUTH2 initial client response (before base64, which imaplib adds)."""
    return f"user={username}\x01auth=Bearer {access_token}\x01\x01".encode()


def access_token(*, token_url: str, client_id: str, client_secret: str,
                 refresh_token: str, client: httpx.Client | None = None) -> tuple[str, str]:
    """(access token, refresh token to keep) from the token endpoint; LoginFailed if refused."""
    if not (token_url and refresh_token):
        raise LoginFailed("XOAUTH2 needs a token URL and a refresh token")
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": client_id}
    if client_secret:
        data["client_secret"] = client_secret
    own = client is None
    client = client or httpx.Client(timeout=TOKEN_TIMEOUT, follow_redirects=False,
                                    trust_env=False)
    host = httpx.URL(token_url).host
    try:
        response = client.post(token_url, data=data, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise LoginFailed(f"OAuth token endpoint {host} unreachable: "
                          f"{type(exc).__name__}") from exc
    finally:
        if own:
            client.close()
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    token = answer.get("access_token")
    if response.status_code != 200 or not isinstance(token, str) or not token:
        reason = str(answer.get("error_description") or answer.get("error") or "no token")
        raise LoginFailed(f"OAuth token endpoint {host} refused the refresh token: "
                          f"HTTP {response.status_code} {reason[:200]}")
    rotated = answer.get("refresh_token")
    return token, rotated if isinstance(rotated, str) and rotated else refresh_token


@dataclass(frozen=True)
class Pending:
    """A message waiting in the folder: its UID and the size the server reports."""

    uid: int
    size: int


class Session:
    """A signed-in connection (see the module docstring); built by `connect()`."""

    def __init__(self, box, *, where: str, refresh_token: str = ""):
        self.box = box
        self.where = where
        self.refresh_token = refresh_token
        self.uidvalidity: int | None = None

    @property
    def capabilities(self) -> tuple[str, ...]:
        return tuple(self.box.client.capabilities)

    @property
    def supports_idle(self) -> bool:
        return "IDLE" in self.capabilities

    def _refresh_capabilities(self) -> None:
        # imaplib keeps the greeting's list; servers announce MOVE and IDLE after sign-in.
        typ, data = self.box.client.capability()
        if typ == "OK" and data and data[-1]:
            self.box.client.capabilities = tuple(data[-1].decode().upper().split())

    @cached_property
    def delimiter(self) -> str:
        folders = self.box.folder.list("", "INBOX")
        return (folders[0].delim if folders else "") or "/"

    def server_name(self, folder: str) -> str:
        """Folder names are configured with "/" between levels; the server may use another."""
        return folder.replace("/", self.delimiter) if folder.upper() != "INBOX" else folder

    def ensure_folder(self, folder: str) -> None:
        name = self.server_name(folder)
        if not self.box.folder.exists(name):
            self.box.folder.create(name)  # writes: allowed because an IMAP folder, not a model

    def select(self, folder: str) -> int:
        """Select `folder`; its UIDVALIDITY, from the SELECT answer itself."""
        self.box.folder.set(self.server_name(folder))
        values = self.box.client.untagged_responses.get("UIDVALIDITY") or [b""]
        value = values[-1].decode().strip()
        if not value.isdigit():
            raise ImapError(f"{self.where} gave no UIDVALIDITY for {folder}")
        self.uidvalidity = int(value)
        return self.uidvalidity

    def pending(self, last_uid: int) -> list[Pending]:
        """Messages with a UID past `last_uid`, oldest first, with their sizes."""
        # "n:*" includes the highest UID even when it is below n, so filter again.
        typ, data = self.box.client.uid("FETCH", f"{last_uid + 1}:*", "(UID RFC822.SIZE)")
        if typ != "OK":
            raise ImapError(f"{self.where} refused to list messages: {data!r}"[:300])
        found = []
        for line in data:
            if not isinstance(line, bytes):
                continue
            uid = size = None
            for uid_match, size_match in _SIZE.findall(line):
                uid = int(uid_match) if uid_match else uid
                size = int(size_match) if size_match else size
            if uid is not None and uid > last_uid:
                found.append(Pending(uid, size or 0))
        return sorted(found, key=lambda item: item.uid)

    def fetch(self, uids: Iterable[int]) -> Iterator[tuple[int, bytes]]:
        """(uid, raw bytes) of these messages in one FETCH, \\Seen left as it was."""
        wanted = [str(uid) for uid in uids]
        if not wanted:
            return
        for message in self.box.fetch(uid_list=wanted, mark_seen=False, bulk=True):
            if message.uid is not None:
                yield int(message.uid), message.raw

    def move(self, uids: Iterable[int], folder: str) -> None:
        wanted = [str(uid) for uid in uids]
        if wanted:
            self.box.move(wanted, self.server_name(folder))

    def idle_wait(self, *, seconds: float, stop=None, slice_seconds: float = 5.0) -> bool:
        """IDLE on the selected folder up to `seconds`: True once new mail (EXISTS) arrives.
        Looks at `stop` (a threading.Event) every `slice_seconds`, to end promptly."""
        deadline = time.monotonic() + seconds
        untagged = self.box.client.untagged_responses
        untagged.pop("EXISTS", None)  # the count SELECT or an earlier command reported
        # Mail that came since the last command is not announced by IDLE, only by the next
        # command: a NOOP first, so nothing that arrived during a poll waits for the next.
        self.box.client.noop()
        arrived = untagged.pop("EXISTS", None) is not None
        if arrived:
            return True
        self.box.idle.start()
        try:
            while not arrived and time.monotonic() < deadline:
                if stop is not None and stop.is_set():
                    break
                wait = min(slice_seconds, max(0.0, deadline - time.monotonic()))
                arrived = any(line.rstrip().upper().endswith(b"EXISTS")
                              for line in self.box.idle.poll(timeout=wait))
        finally:
            self.box.idle.stop()
        return arrived


def _login(box, mailbox, where: str) -> str:
    """Sign in; the refresh token to keep (rotated or not) for XOAUTH2, "" for passwords."""
    if mailbox.auth_method == "xoauth2":
        token, refresh = access_token(
            token_url=mailbox.oauth_token_url, client_id=mailbox.oauth_client_id,
            client_secret=mailbox.oauth_client_secret,
            refresh_token=mailbox.oauth_refresh_token)
        initial = xoauth2_string(mailbox.username, token)
        answers = iter([initial])
        # After a refused token the server sends an error challenge; an empty answer ends
        # the exchange (Google's and Microsoft's XOAUTH2 docs) so it can say NO.
        box.client.authenticate("XOAUTH2", lambda _challenge: next(answers, b""))
        return refresh
    box.login(mailbox.username, mailbox.password, initial_folder=None)
    return ""


@contextmanager
def connect(mailbox, *, timeout: float = TIMEOUT) -> Iterator[Session]:
    """A signed-in Session on `mailbox` (an inbound.models.Mailbox), logged out after."""
    where = f"{mailbox.host}:{mailbox.port}"
    box = None
    try:
        if mailbox.use_tls:
            box = _RawMailBox(mailbox.host, mailbox.port, timeout=timeout,
                              ssl_context=ssl.create_default_context())
        else:
            box = _RawMailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
        try:
            refresh = _login(box, mailbox, where)
        except (MailboxLoginError, imaplib.IMAP4.error) as exc:
            raise LoginFailed(f"{where} refused the login of {mailbox.username}: "
                              f"{_server_text(exc)}") from exc
        session = Session(box, where=where, refresh_token=refresh)
        session._refresh_capabilities()
        yield session
    except ImapError:
        raise
    except ssl.SSLError as exc:
        raise ImapError(f"{where}: TLS failed: {exc.reason or exc}") from exc
    except OSError as exc:
        raise ImapError(f"{where} unreachable: {type(exc).__name__}: {exc}"[:300]) from exc
    except (ImapToolsError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"{where}: {type(exc).__name__}: {_server_text(exc)}"[:300]) from exc
    finally:
        if box is not None:
            _close(box)


def _close(box) -> None:
    try:
        if box.client.state in {"AUTH", "SELECTED"}:
            box.client.logout()
        else:
            box.client.shutdown()
    except (OSError, imaplib.IMAP4.error, ssl.SSLError):
        pass


def _server_text(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"\[b'(.*?)'\]", text)
    return (match.group(1) if match else text)[:200]
