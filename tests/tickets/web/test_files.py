"""Attachment downloads: visibility, headers that keep files inert, random stored names."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from tests.factories import make_ticket
from tests.tickets.web.portal.helpers import png_bytes
from tickets import services
from tickets.models import Attachment


def upload(name: str, content: bytes = b"hello from the log\n"):
    return SimpleUploadedFile(name, content)


def download_url(attachment: Attachment) -> str:
    return reverse("attachment", args=[attachment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, files=[upload("notes.txt"), upload("shot.png", png_bytes())])


def file_named(ticket, name: str) -> Attachment:
    return ticket.attachments.get(original_name=name)


def test_a_text_file_downloads_as_an_attachment_with_its_own_name(ticket, alice, client_for):
    response = client_for(alice).get(download_url(file_named(ticket, "notes.txt")))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Content-Type"] == "text/plain"
    assert body(response) == b"hello from the log\n"


def test_an_image_is_shown_inline(ticket, alice, client_for):
    response = client_for(alice).get(download_url(file_named(ticket, "shot.png")))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "image/png"
    assert body(response) == png_bytes()


def test_every_download_is_sandboxed_and_not_sniffed(ticket, alice, client_for):
    for attachment in ticket.attachments.all():
        response = client_for(alice).get(download_url(attachment))
        assert response["X-Content-Type-Options"] == "nosniff"
        policy = response["Content-Security-Policy"]
        assert "sandbox" in policy and "default-src 'none'" in policy
        assert "script-src" not in policy


def test_the_type_comes_from_the_stored_name_not_from_the_browser(alice, client_for):
    sneaky = SimpleUploadedFile("notes.txt", b"<script>alert(1)</script>",
                                content_type="text/html")
    ticket = make_ticket(alice, files=[sneaky])
    response = client_for(alice).get(download_url(ticket.attachments.get()))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_name_with_quotes_cannot_break_the_header(alice, client_for):
    ticket = make_ticket(alice, files=[upload('"><svg onload=alert(1)>.txt')])
    response = client_for(alice).get(download_url(ticket.attachments.get()))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert '\\"' in disposition  # the quote is escaped inside the quoted name
    assert "\n" not in disposition and "\r" not in disposition


def test_another_users_file_is_404(ticket, bob, client_for):
    for attachment in ticket.attachments.all():
        assert client_for(bob).get(download_url(attachment)).status_code == 404
    assert client_for(bob).get(reverse("attachment", args=[99999])).status_code == 404


def test_anonymous_is_sent_to_sign_in(ticket, client):
    response = client.get(download_url(file_named(ticket, "notes.txt")))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_support_staff_can_download_any_ticket_file(ticket, dee, manny, client_for):
    attachment = file_named(ticket, "notes.txt")
    assert client_for(dee).get(download_url(attachment)).status_code == 200
    assert client_for(manny).get(download_url(attachment)).status_code == 200


def test_files_of_internal_notes_are_404_for_the_requester_but_not_for_staff(
        ticket, alice, dee, client_for):
    services.comment_add(ticket=ticket, actor=dee, body="Dump attached", internal=True,
                         files=[upload("dump.txt")])
    services.comment_add(ticket=ticket, actor=dee, body="Try this", files=[upload("fix.txt")])
    internal = file_named(ticket, "dump.txt")
    public = file_named(ticket, "fix.txt")
    assert client_for(alice).get(download_url(internal)).status_code == 404
    assert client_for(alice).get(download_url(public)).status_code == 200
    assert client_for(dee).get(download_url(internal)).status_code == 200


def test_a_file_missing_on_disk_is_404_not_500(ticket, alice, client_for, settings):
    attachment = file_named(ticket, "notes.txt")
    Path(settings.MEDIA_ROOT, attachment.file.name).unlink()
    assert client_for(alice).get(download_url(attachment)).status_code == 404


def test_downloads_are_read_only(ticket, alice, client_for):
    attachment = file_named(ticket, "notes.txt")
    assert client_for(alice).post(download_url(attachment)).status_code == 405


def test_the_ticket_page_lists_files_with_sizes_and_image_previews(ticket, alice, client_for):
    html = client_for(alice).get(ticket.get_absolute_url()).content.decode()
    log, image = file_named(ticket, "notes.txt"), file_named(ticket, "shot.png")
    assert f'href="{download_url(log)}"' in html
    assert filesizeformat(log.size) in html
    assert f'<img class="attachment-thumb" src="{download_url(image)}"' in html
    assert f'<img class="attachment-thumb" src="{download_url(log)}"' not in html


def test_stored_names_are_random_and_keep_no_user_text(ticket):
    for attachment in ticket.attachments.all():
        stored = Path(attachment.file.name).name
        assert attachment.original_name.rsplit(".", 1)[0] not in stored
