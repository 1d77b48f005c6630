"""/api/v1/tickets inputs take what the schema says: text as text, booleans as booleans,
no unknown keys, and in a form an empty value where JSON would say null."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_ticket
from tests.tickets.api.helpers import api, url
from tickets.models import Comment, Ticket


@pytest.mark.parametrize("payload, field", [
    ({"title": 404}, "title"),
    ({"title": "ok", "description": 1.5}, "description"),
    ({"title": True}, "title"),
])
def test_a_number_where_the_schema_says_text_is_refused(alice, payload, field):
    response = api(alice).post(url(), payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Ticket.objects.exists()


def test_triage_and_replies_refuse_numbers_for_text_too(alice, dee):
    ticket = make_ticket(alice)
    assert "title" in api(dee).patch(url(ticket), {"title": 0}, format="json").json()
    response = api(dee).post(url(ticket, "transition"), {"status": "in_progress", "note": 7},
                             format="json")
    assert response.status_code == 400 and "note" in response.json()
    response = api(alice).post(url(ticket, "comments"), {"body": 12}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    ticket.refresh_from_db()
    assert ticket.title == "Printer on floor 3 jams" and ticket.status == "new"


def test_a_form_sends_empty_for_no_category_and_words_for_booleans(alice, dee, category):
    response = api(alice).post(url(), {"title": "Scanner", "category": ""}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["category"] is None
    response = api(alice).post(url(), {"title": "Scanner", "category": "null"},
                               format="multipart")
    assert response.status_code == 400 and "category" in response.json()
    ticket = Ticket.objects.get()
    png = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    response = api(dee).post(url(ticket, "attachments"), {"files": [png], "internal": "on"},
                             format="multipart")
    assert response.status_code == 400 and "internal" in response.json()
    response = api(alice).post(url(ticket, "comments"), {"body": "Hi", "internal": "false"},
                               format="multipart")
    assert response.status_code == 201 and Comment.objects.get().body == "Hi"


def test_the_schema_says_strict_inputs_refuse_unknown_keys_and_need_a_file(client, dee):
    client.force_login(dee)
    schemas = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
                         ).json()["components"]["schemas"]
    for name in ("TicketCreateRequest", "TransitionRequest", "RateRequest",
                 "PatchedTicketUpdateRequest", "CommentCreateRequest"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["AttachmentUploadRequest"]["properties"]["files"]["minItems"] == 1
    ticket = make_ticket(dee)
    response = api(dee).post(url(ticket, "rate"), {"rating": 5, "stars": 5}, format="json")
    assert response.status_code == 400 and response.json()["stars"] == ["Unknown field."]
