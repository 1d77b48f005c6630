"""What Tend sends, as a real SMTP server receives it (aiosmtpd on 127.0.0.1): the
headers that thread the customer's client and stop out-of-office loops survive the wire."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from inbound.services.receive import message_receive
from tests.factories import mail_settled
from tests.inbound.imapserver import SUPPORT, mail
from tickets.services import comment_add
from tickets.services import outbox as queue


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(
            envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_a_reply_by_mail_reaches_requester_and_cc_threaded_and_marked_automatic(
        smtp, box, alice, bob, dee):
    first = message_receive(mailbox=box, raw=mail(sender=alice.email, subject="Wi-Fi slow",
                                                  cc=bob.email))
    ticket = first.ticket
    queue.notifications_send_pending()
    ack_rcpt, ack = next(m for m in smtp.messages if alice.email in m[0])
    assert ack_rcpt == [alice.email]  # the acknowledgement goes to the requester only
    mail_settled()
    smtp.messages.clear()

    comment_add(ticket=ticket, actor=dee, body="Moved you to the 5 GHz network.")
    queue.notifications_send_pending()

    rcpt, answer = next(m for m in smtp.messages if alice.email in m[0])
    assert sorted(rcpt) == sorted([alice.email, bob.email])
    assert answer["To"] == alice.email and answer["Cc"] == bob.email
    assert answer["Reply-To"] == SUPPORT
    assert answer["In-Reply-To"] == first.message_id
    assert answer["References"].split()[0] == first.message_id
    assert answer["Auto-Submitted"] == "auto-generated"
    assert answer["X-Auto-Response-Suppress"] == "All"
    assert f"[{ticket.ref}]" in answer["Subject"]
    assert ack["Message-ID"] != answer["Message-ID"]
    assert "Moved you to the 5 GHz network." in answer.get_body(("plain",)).get_content()
