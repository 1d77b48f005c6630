"""The desk's mail pages and the ticket's mail panel, for each role."""

import pytest

from inbound.models import Mailbox, State
from inbound.services.receive import message_receive
from tests.inbound.imapserver import SUPPORT, mail
from tickets.models import Participant


def receive(box, **kwargs):
    return message_receive(mailbox=box, raw=mail(**kwargs))


def test_admins_see_each_mailboxs_health_and_what_needs_them(
        client_for, ada, box, alice, django_assert_max_num_queries):
    box.max_message_bytes = 100
    box.save()
    Mailbox.objects.filter(pk=box.pk).update(last_error="imap.example: login refused")
    failed = receive(box, sender=alice.email, subject="Too long", body="z" * 300)
    Mailbox.objects.filter(pk=box.pk).update(max_message_bytes=10_000)
    box.refresh_from_db()
    for i in range(5):
        receive(box, sender=f"s{i}@x.example", subject=f"Stranger {i}")

    client = client_for(ada)
    client.get("/desk/mail/")  # the session's first request writes it
    with django_assert_max_num_queries(12):  # the same for 6 messages as for 600
        page = client.get("/desk/mail/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "login refused" in html and "Failing" in html
    assert f'/desk/mail/{failed.pk}/' in html and "Needs an administrator" in html
    assert html.count("Stranger") == 5
    only_failed = client_for(ada).get("/desk/mail/?state=failed").content.decode()
    assert "Too long" in only_failed and "Stranger" not in only_failed


@pytest.mark.parametrize("who", ["dee", "manny"])
def test_the_mail_overview_is_for_admins(client_for, request, who, box):
    assert client_for(request.getfixturevalue(who)).get("/desk/mail/").status_code == 403


def test_alice_cannot_reach_any_mail_page(client_for, alice, box):
    row = receive(box, sender=alice.email, subject="Mine")
    for url in ("/desk/mail/", f"/desk/mail/{row.pk}/", f"/desk/mail/{row.pk}/raw/"):
        assert client_for(alice).get(url).status_code == 403


def test_engineers_open_a_tickets_mail_but_not_mail_that_made_no_ticket(
        client_for, dee, box, alice):
    on_ticket = receive(box, sender=alice.email, subject="Dock not charging",
                        body="The dock stopped charging.\n")
    stranger = receive(box, sender="eve@x.example", subject="Who am I")

    page = client_for(dee).get(f"/desk/mail/{on_ticket.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "The dock stopped charging." in html
    assert on_ticket.ticket.ref in html and "Message-ID" in html
    assert client_for(dee).get(f"/desk/mail/{stranger.pk}/").status_code == 404

    raw = client_for(dee).get(f"/desk/mail/{on_ticket.pk}/raw/")
    assert raw.status_code == 200 and raw["Content-Type"] == "message/rfc822"
    assert "attachment" in raw["Content-Disposition"]
    assert b"".join(raw.streaming_content) == on_ticket.raw.open("rb").read()


def test_an_admin_releases_held_mail_from_its_page_and_an_engineer_cannot(
        client_for, ada, dee, box, alice):
    box.sender_hourly_cap = 1
    box.save()
    receive(box, sender=alice.email, subject="One")
    held = receive(box, sender=alice.email, subject="Two")
    assert held.state == State.HELD
    page = client_for(ada).get(f"/desk/mail/{held.pk}/").content.decode()
    assert "Release" in page and "cap of 1" in page

    # Dee cannot open held mail without a ticket, so she cannot release it either.
    assert client_for(dee).post(f"/desk/mail/{held.pk}/release/").status_code == 404
    response = client_for(ada).post(f"/desk/mail/{held.pk}/release/", follow=True)
    held.refresh_from_db()
    assert held.state == State.PROCESSED and held.ticket.title == "Two"
    assert "Released." in response.content.decode()
    again = client_for(ada).post(f"/desk/mail/{held.pk}/release/")
    assert again.status_code == 400 and "processed, not held" in again.content.decode()


def test_a_new_inbound_token_is_shown_once(client_for, ada, box):
    response = client_for(ada).post(f"/desk/mailboxes/{box.pk}/token/")
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "tendmail_" in html and "/api/v1/inbound/email/" in html
    assert "tendmail_" not in client_for(ada).get("/desk/mail/").content.decode()


def test_read_now_makes_the_mailbox_due(client_for, ada, dee, box, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the worker, not this request, reads it
    box.next_poll_at = box.next_poll_at.replace(year=2100)
    box.save()
    assert client_for(dee).post(f"/desk/mailboxes/{box.pk}/poll/").status_code == 403
    assert client_for(ada).post(f"/desk/mailboxes/{box.pk}/poll/").status_code == 302
    box.refresh_from_db()
    assert box.next_poll_at.year < 2100


def test_the_desk_ticket_page_shows_its_participants_and_mail(
        client_for, dee, manny, box, alice, bob, django_assert_max_num_queries):
    row = receive(box, sender=alice.email, subject="Projector", cc=bob.email)
    ticket = row.ticket
    url = ticket.get_desk_url()
    desk = client_for(dee)
    desk.get(url)
    with django_assert_max_num_queries(60):  # the whole ticket page, panels and all
        html = desk.get(url).content.decode()
    assert "Conversation by mail" in html and bob.email in html
    assert f"/desk/mail/{row.pk}/" in html and "Add someone by e-mail" in html
    assert "Add someone" not in client_for(manny).get(url).content.decode()

    add = client_for(dee).post(f"/desk/tickets/{ticket.ref}/participants/",
                               {"email": "Carol@Partner.example"}, follow=True)
    assert "carol@partner.example now receives" in add.content.decode()
    bad = client_for(dee).post(f"/desk/tickets/{ticket.ref}/participants/",
                               {"email": alice.email}, follow=True)
    assert "That is the requester" in bad.content.decode()
    assert client_for(manny).post(f"/desk/tickets/{ticket.ref}/participants/",
                                  {"email": "x@y.example"}).status_code == 403

    person = Participant.objects.get(ticket=ticket, email=bob.email)
    client_for(dee).post(f"/desk/tickets/{ticket.ref}/participants/{person.pk}/remove/")
    assert set(Participant.objects.filter(ticket=ticket).values_list("email", flat=True)) \
        == {"carol@partner.example"}
    assert SUPPORT not in Participant.objects.values_list("email", flat=True)


def test_a_mails_html_is_shown_sanitized(client_for, dee, box, alice):
    raw = (f"From: {alice.email}\r\nTo: {SUPPORT}\r\nSubject: Styled\r\n"
           "Message-ID: <styled-1@client.example>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n"
           "<p>The <strong>VPN</strong> fails</p><script>steal()</script>"
           "<a href=\"javascript:steal()\" onclick=\"steal()\">here</a>\r\n").encode()
    row = message_receive(mailbox=box, raw=raw)
    html = client_for(dee).get(f"/desk/mail/{row.pk}/").content.decode()
    assert "<strong>VPN</strong>" in html and "The VPN fails" in html
    assert "steal()" not in html
