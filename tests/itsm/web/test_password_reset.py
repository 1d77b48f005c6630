"""Password reset: a limit on requests per address typed and per client, like sign-in."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse


def request_reset(email, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})


def test_the_ninth_request_sends_no_mail(alice):
    answers = [request_reset(alice.email, ip=f"10.0.0.{n}") for n in range(9)]
    assert len(mail.outbox) == 3  # TEND_PASSWORD_RESET_ATTEMPTS
    assert answers[0].status_code == 302
    blocked = answers[8]
    assert blocked.status_code == 200
    assert "Too many reset requests" in blocked.content.decode()


@pytest.mark.parametrize("variant", [" {}", "{}\t", "UPPER"])
def test_the_limit_holds_for_every_spelling_of_the_address(alice, variant):
    spelled = alice.email.upper() if variant == "UPPER" else variant.format(alice.email)
    for n in range(3):
        request_reset(alice.email, ip=f"10.0.1.{n}")
    request_reset(spelled, ip="10.0.1.99")
    assert len(mail.outbox) == 3


def test_one_client_cannot_spray_addresses(alice, settings):
    settings.TEND_PASSWORD_RESET_ATTEMPTS = 1  # the per-client limit is four times wider
    for n in range(4):
        request_reset(f"nobody{n}@example.com", ip="10.0.2.1")
    assert request_reset(alice.email, ip="10.0.2.1").status_code == 200
    assert not mail.outbox
    assert request_reset(alice.email, ip="10.0.2.2").status_code == 302
    assert len(mail.outbox) == 1


def test_the_answer_does_not_reveal_whether_the_address_exists(alice):
    known = [request_reset(alice.email, ip=f"10.0.3.{n}") for n in range(4)]
    unknown = [request_reset("nobody@example.com", ip=f"10.0.4.{n}") for n in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    def page(response, email):
        text = response.content.decode().replace(email, "X")
        return re.sub(r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]+', "", text)

    assert page(known[-1], alice.email) == page(unknown[-1], "nobody@example.com")
