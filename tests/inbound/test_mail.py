"""Reading a raw message: what counts as automatic, the title, threading ids, and that
nothing a sender can send makes the parser fail in any way but a MailError."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbound.mail import MailError, parse
from tests.inbound.imapserver import mail

LIMIT = 1_000_000


@pytest.mark.parametrize(("subject", "title"), [
    ("Re: RE: Fwd: VPN down", "VPN down"), ("AW: WG: [INC-12] Drucker", "Drucker"),
    ("   ", "(no subject)"), ("Re[2]: Sv: disk full", "disk full"),
])
def test_the_title_drops_reply_prefixes_and_ticket_references(subject, title):
    assert parse(mail(sender="a@x.example", subject=subject), max_bytes=LIMIT).title == title


@pytest.mark.parametrize(("sender", "headers", "automatic"), [
    ("a@x.example", {}, False),
    ("a@x.example", {"Auto-Submitted": "no"}, False),
    ("a@x.example", {"Auto-Submitted": "auto-replied"}, True),
    ("a@x.example", {"X-Autoreply": "yes"}, True),
    ("a@x.example", {"Precedence": "junk"}, True),
    ("no-reply@x.example", {}, True),
    ("MAILER-DAEMON@x.example", {}, True),
])
def test_automatic_mail_is_recognized_by_its_headers_and_sender(sender, headers, automatic):
    parsed = parse(mail(sender=sender, subject="Hi", headers=headers), max_bytes=LIMIT)
    assert bool(parsed.automatic) is automatic


def test_thread_ids_are_in_reply_to_then_references_newest_first_without_repeats():
    raw = mail(sender="a@x.example", subject="Re: x", in_reply_to="<c@t>",
               references="<a@t> <b@t> <c@t>")
    assert parse(raw, max_bytes=LIMIT).thread_ids == ["<c@t>", "<b@t>", "<a@t>"]


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty"), (b"\r\n\r\n", "empty"),
    (b"Subject: no sender\r\n\r\nbody\r\n", "no sender"),
    (b"From: a@x.example\r\nContent-Type: text/plain; charset=klingon\r\n\r\nqa'pla\r\n",
     "unknown charset"),
])
def test_unreadable_mail_says_why(raw, reason):
    with pytest.raises(MailError, match=reason):
        parse(raw, max_bytes=LIMIT)


def test_a_message_over_the_mailbox_limit_is_refused_before_parsing():
    with pytest.raises(MailError, match="at most 100"):
        parse(mail(sender="a@x.example", subject="big", body="x" * 500), max_bytes=100)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_any_bytes_parse_or_fail_with_a_mail_error(raw):
    try:
        parsed = parse(b"From: a@x.example\r\n" + raw, max_bytes=LIMIT)
    except MailError as error:
        assert str(error)
    else:
        assert parsed.sender and isinstance(parsed.text, str)
