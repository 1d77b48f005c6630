"""A received message read into what the mail channel needs; refuses what it cannot read.

The standard `email` package with the default policy parses. Text is decoded strictly
with the charset the part declares: a body that is not what it says it is (invalid UTF-8,
an unknown charset) is a MailError rather than a ticket full of replacement characters,
so the message goes to the failed folder with its error and an admin can look at it.
HTML-only mail is sanitized with the Markdown sanitizer and read as text. Quoted history
is trimmed from replies with mail-parser-reply.

Nothing here trusts a header to mean more than it says: identity is the From address,
threading the Message-IDs, and no header of Tend's own (X-Tend-*) is read from outside.
"""

import codecs
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import errors as email_errors
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3
from mailparser_reply import EmailReplyParser

from itsm.markdown import sanitize_html

MAX_TEXT = 100_000  # characters of body kept on a ticket (the raw message keeps all)
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "sv", "da", "cs"]
TICKET_REF = re.compile(r"\[\s*([A-Za-z]{3})-(\d{1,9})\s*\]")
_MSGID = re.compile(r"<[^<>\s]+>")
_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|r)\s*(\[\d+\])?\s*:\s*)+",
                     re.IGNORECASE)
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>",
                        re.IGNORECASE)
_NO_REPLY = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|"
                       r"bounces?|notifications?-?noreply)([+.-].*)?$", re.IGNORECASE)
# Defects after which the parts cannot be told apart: the body would be a guess.
_FATAL = (email_errors.NoBoundaryInMultipartDefect, email_errors.StartBoundaryNotFoundDefect,
          email_errors.MultipartInvariantViolationDefect)
_HEADER_ID = re.compile(r"(?im)^message-id:\s*(<[^<>\s]+>)")
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


class MailError(Exception):
    """The message cannot be read; the text says why, for the failed list."""


@dataclass
class Attachment:
    name: str
    content: bytes
    content_type: str


@dataclass
class Bounce:
    """A delivery status report: which of our messages did not arrive, to whom, why."""

    original_ids: list[str]
    recipients: list[str]
    status: str


@dataclass
class Mail:
    message_id: str
    sender: str  # lower-cased address of From
    sender_name: str
    subject: str
    date: datetime | None
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    in_reply_to: list[str]
    references: list[str]
    text: str  # the whole body as text
    html: str  # sanitized, for showing the original ("" for text-only mail)
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str = ""  # why it is automatic ("" for a person's mail)
    responder: bool = False  # an out-of-office or other automatic answer
    bounce: Bounce | None = None

    @property
    def reply_text(self) -> str:
        """The new part of a reply: quoted history and the "On … wrote:" line trimmed."""
        try:
            trimmed = EmailReplyParser(languages=REPLY_LANGUAGES).parse_reply(text=self.text)
        except Exception:  # a parser's fault must not lose the reply: keep it whole
            trimmed = ""
        return (trimmed or self.text).strip()

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers: In-Reply-To first, then References newest first."""
        seen, out = set(), []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.add(mid)
                out.append(mid)
        return out

    @property
    def title(self) -> str:
        """The subject as a ticket title: reply and forward prefixes off."""
        title = _PREFIX.sub("", TICKET_REF.sub("", self.subject)).strip(" -:")
        return " ".join(title.split()) or "(no subject)"


def fallback_message_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@inbound.tend>"


def message_ids(value) -> list[str]:
    return _MSGID.findall(str(value or ""))[:100]


def one_line(value) -> str:
    return " ".join(str(value or "").split())


def headers_of(raw: bytes) -> tuple[str, str, str]:
    """(Message-ID, sender, subject) read leniently, for a message that failed to parse."""
    try:
        message = message_from_bytes(raw[:256 * 1024], policy=policy.compat32)
        mid = (message_ids(message.get("Message-ID")) or [fallback_message_id(raw)])[0]
        sender = parseaddr(str(message.get("From", "")))[1].lower()
        return mid, sender[:254], one_line(message.get("Subject", ""))[:255]
    except Exception:
        return fallback_message_id(raw), "", ""


def _text_of(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset()
    charset = declared or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        raise MailError(f"unknown charset {charset!r} in a {part.get_content_type()} part"
                        ) from None
    try:
        return payload.decode(charset)
    except UnicodeDecodeError as exc:
        if declared is None:  # undeclared and not UTF-8: the old default
            return payload.decode("latin-1")
        raise MailError(f"the {part.get_content_type()} part is not valid {charset} "
                        f"(byte {exc.start})") from None


def html_to_text(markup: str) -> str:
    spaced = _BLOCK_END.sub("\n", sanitize_html(markup))
    text = html.unescape(nh3.clean(spaced, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _automatic(message: EmailMessage, sender: str) -> tuple[str, bool]:
    """(why the message is automatic or "", whether it answers another one)."""
    auto = one_line(message.get("Auto-Submitted", "")).lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}", auto.startswith("auto-replied")
    precedence = one_line(message.get("Precedence", "")).lower()
    if precedence in _AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}", precedence == "auto_reply"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            return f"{name} header", True
    if message.get("X-Auto-Response-Suppress") is not None:
        return "X-Auto-Response-Suppress header", True
    if message.get("List-Id") is not None:
        return "a mailing list (List-Id)", False
    return_path = message.get("Return-Path")
    if return_path is not None and one_line(return_path) in ("<>", ""):
        return "an empty Return-Path", False
    if _NO_REPLY.match(sender.partition("@")[0]):
        return f"sent by {sender}", False
    return "", False


def _bounce(message: EmailMessage) -> Bounce | None:
    if message.get_content_type() != "multipart/report":
        return None
    if message.get_param("report-type", "").lower() != "delivery-status":
        return None
    ids, recipients, status = [], [], ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload() or []:
                recipient = block.get("Final-Recipient", "")
                if recipient:
                    recipients.append(one_line(recipient).rpartition(";")[2].strip())
                status = status or one_line(block.get("Diagnostic-Code", "")
                                            or block.get("Status", ""))
        elif kind in ("message/rfc822", "message/rfc822-headers", "text/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                ids += message_ids(inner[0].get("Message-ID"))
            else:
                found = _HEADER_ID.search(str(inner or ""))
                ids += [found.group(1)] if found else []
    return Bounce(original_ids=ids, recipients=recipients, status=status[:300])


def _body_and_files(message: EmailMessage) -> tuple[str, str, list[Attachment]]:
    plain, markup, files = [], [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        disposition = part.get_content_disposition()
        name = part.get_filename()
        if disposition == "attachment" or (name and not kind.startswith("text/")):
            if kind.startswith("message/") or kind == "text/rfc822-headers":
                continue  # a bounce's copy of our mail, or a forwarded message's headers
            content = part.get_payload(decode=True) or b""
            if content:
                files.append(Attachment(name=one_line(name or "attachment")[:200],
                                        content=content, content_type=kind))
        elif kind == "text/plain":
            plain.append(_text_of(part))
        elif kind == "text/html":
            markup.append(_text_of(part))
    clean = sanitize_html("\n".join(markup)) if markup else ""
    text = "\n\n".join(p.strip() for p in plain) if plain else html_to_text("\n".join(markup))
    return text.replace("\r\n", "\n")[:MAX_TEXT], clean, files


def parse(raw: bytes, *, max_bytes: int) -> Mail:
    """Read a raw message; MailError says why it cannot be."""
    if len(raw) > max_bytes:
        raise MailError(f"the message is {len(raw):,} bytes; this mailbox takes at most "
                        f"{max_bytes:,}")
    if not raw.strip():
        raise MailError("the message is empty")
    try:
        message = message_from_bytes(raw, policy=policy.default)
        fatal = [d for part in message.walk() for d in part.defects if isinstance(d, _FATAL)]
        if fatal:
            raise MailError(f"broken MIME structure: {type(fatal[0]).__name__}")
        name, sender = parseaddr(str(message.get("From", "")))
        sender = sender.lower()
        if "@" not in sender:
            raise MailError("the message has no sender address (From)")
        automatic, responder = _automatic(message, sender)
        bounce = _bounce(message)
        text, clean, files = _body_and_files(message)
        date = None
        try:
            date = message["Date"].datetime if message.get("Date") else None
        except (AttributeError, TypeError, ValueError):
            date = None
        return Mail(
            message_id=(message_ids(message.get("Message-ID")) or [fallback_message_id(raw)])[0],
            sender=sender[:254], sender_name=one_line(name)[:200],
            subject=one_line(message.get("Subject", ""))[:255], date=date,
            to=getaddresses([str(v) for v in message.get_all("To", [])]),
            cc=getaddresses([str(v) for v in message.get_all("Cc", [])]),
            in_reply_to=message_ids(message.get("In-Reply-To")),
            references=message_ids(message.get("References")),
            text=text, html=clean, attachments=files,
            automatic=automatic or ("a delivery status report" if bounce else ""),
            responder=responder, bounce=bounce)
    except MailError:
        raise
    except Exception as exc:  # the email package's own refusals: the message is broken
        raise MailError(f"the message could not be read: {type(exc).__name__}: {exc}"[:500]
                        ) from None
