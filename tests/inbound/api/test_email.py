"""POST /api/v1/inbound/email/: a mail service's webhook, authenticated by the mailbox's
token; the message is received like polled mail, once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inbound.models import InboundMessage, Outcome, State
from inbound.services.mailboxes import mailbox_token_rotate
from tests.inbound.imapserver import mail
from tickets.models import Ticket

URL = "/api/v1/inbound/email/"


@pytest.fixture
def token(box):
    return mailbox_token_rotate(mailbox=box, actor=None)


def post(token, body, content_type="message/rfc822", **extra):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.post(URL, data=body, content_type=content_type, **extra)


def test_a_posted_message_becomes_a_ticket_and_posting_it_again_changes_nothing(
        token, box, alice):
    raw = mail(sender=alice.email, subject="Webhook mail")
    first = post(token, raw)

    assert first.status_code == 202, first.content
    body = first.json()
    ticket = Ticket.objects.get(requester=alice)
    assert body["state"] == State.PROCESSED and body["outcome"] == Outcome.NEW_TICKET
    assert body["ticket"] == ticket.ref and body["duplicate"] is False
    assert InboundMessage.objects.get(pk=body["id"]).mailbox == box

    again = post(token, raw)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["id"] == body["id"] and Ticket.objects.count() == 1


def test_a_form_post_with_the_raw_message_in_email_is_received(token, alice):
    raw = mail(sender=alice.email, subject="SendGrid raw")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(URL, data={
        "email": SimpleUploadedFile("m.eml", raw, content_type="message/rfc822"),
        "to": "support@tend.example"}, format="multipart")
    assert response.status_code == 202 and response.json()["outcome"] == Outcome.NEW_TICKET


def test_unreadable_mail_is_stored_as_failed_not_refused(token, alice):
    response = post(token, b"From: " + alice.email.encode()
                    + b"\r\nContent-Type: text/plain; charset=nope\r\n\r\nx\r\n")
    assert response.status_code == 202
    assert response.json()["state"] == State.FAILED
    assert "unknown charset" in response.json()["error"]


@pytest.mark.parametrize(("body", "content_type", "status", "field"), [
    (b"", "message/rfc822", 400, "email"),
    (b"  \r\n", "message/rfc822", 400, "email"),
    ("to=x", "application/x-www-form-urlencoded", 400, "email"),
    (b"x", "application/json", 415, None),
])
def test_bad_posts_get_a_clear_error_and_store_nothing(token, body, content_type, status,
                                                       field):
    response = post(token, body, content_type=content_type)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()
    assert not InboundMessage.objects.exists()


def test_a_message_larger_than_the_mailbox_takes_is_a_413(token, box, alice):
    box.max_message_bytes = 300
    box.save()
    response = post(token, mail(sender=alice.email, subject="big", body="y" * 1000))
    assert response.status_code == 413 and "at most 300" in response.json()["email"][0]
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nope", "Token abc",
                                    "Bearer tendmail_wrong"])
def test_without_the_mailboxs_token_nothing_is_received(token, alice, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, data=mail(sender=alice.email, subject="x"),
                           content_type="message/rfc822")
    assert response.status_code == 401
    assert not InboundMessage.objects.exists()


def test_a_rotated_token_or_a_disabled_mailbox_stops_the_old_one(token, box, alice):
    new = mailbox_token_rotate(mailbox=box, actor=None)
    assert post(token, mail(sender=alice.email, subject="old")).status_code == 401
    assert post(new, mail(sender=alice.email, subject="new")).status_code == 202
    box.enabled = False
    box.save()
    assert post(new, mail(sender=alice.email, subject="off")).status_code == 401


def test_a_signed_in_user_is_not_a_mailbox(client_for, ada, alice, token):
    response = client_for(ada).post(URL, data=mail(sender=alice.email, subject="x"),
                                    content_type="message/rfc822")
    assert response.status_code == 401
