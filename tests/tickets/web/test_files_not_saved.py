"""A failed form says "Your files were not saved" only when files were chosen: portal and
desk, filing and replying."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_ticket
from tickets.models import Kind, Level

WARNING = "Your files were not saved"


def _file(name="notes.txt"):
    return SimpleUploadedFile(name, b"hello", content_type="text/plain")


@pytest.fixture
def forms(alice, dee):
    ticket = make_ticket(alice)
    bad_new = {"kind": Kind.INCIDENT, "title": "", "impact": Level.LOW, "urgency": Level.LOW}
    return {
        "portal new": (alice, reverse("portal:new"), bad_new),
        "portal reply": (alice, reverse("portal:reply", args=[ticket.ref]), {"body": ""}),
        "desk new": (dee, reverse("desk:new"), {**bad_new, "requester": alice.pk,
                                                "source": "phone"}),
        "desk reply": (dee, reverse("desk:reply", args=[ticket.ref]), {"body": ""}),
    }


@pytest.mark.parametrize("name", ["portal new", "portal reply", "desk new", "desk reply"])
def test_the_warning_appears_only_when_files_were_chosen(client_for, forms, name):
    user, address, data = forms[name]
    client = client_for(user)
    without = client.post(address, data)
    assert without.status_code in (200, 400)
    assert WARNING not in without.content.decode()
    # A reply may be files alone: there a refused file type makes it fail.
    chosen = [_file("setup.exe")] if "reply" in name else [_file()]
    with_files = client.post(address, {**data, "files": chosen})
    assert with_files.status_code in (200, 400)
    assert WARNING in with_files.content.decode()
