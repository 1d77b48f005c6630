"""Article files on the pages: who may download them, the headers, the editor's upload and
removal, and the pages' query counts."""

import pytest
from django.urls import reverse

from knowledge import services
from knowledge.models import ArticleAttachment, Audience, Confidence
from tests.knowledge.conftest import make_article, upload
from tests.tickets.web.portal.helpers import png_bytes

pytestmark = pytest.mark.django_db


def with_file(dee, name="steps.txt", content=b"1. Open the settings.\n", **fields):
    article = make_article(dee, **fields)
    services.article_attachments_add(actor=dee, article=article, files=[upload(name, content)])
    return article, article.attachments.get()


def get(client, attachment):
    return client.get(reverse("knowledge:file", args=[attachment.pk]))


@pytest.mark.parametrize(("audience", "confidence", "anonymous", "end_user", "agent"), [
    (Audience.PUBLIC, Confidence.VALIDATED, 200, 200, 200),
    (Audience.CUSTOMERS, Confidence.VALIDATED, 404, 200, 200),
    (Audience.INTERNAL, Confidence.VALIDATED, 404, 404, 200),
    (Audience.PUBLIC, Confidence.DRAFT, 404, 404, 200),
    (Audience.PUBLIC, Confidence.ARCHIVED, 404, 404, 200),
])
def test_a_file_is_served_to_exactly_who_may_read_the_article(
        dee, alice, client, client_for, audience, confidence, anonymous, end_user, agent):
    _, attachment = with_file(dee, audience=audience, confidence=confidence)
    assert get(client, attachment).status_code == anonymous
    assert get(client_for(alice), attachment).status_code == end_user
    assert get(client_for(dee), attachment).status_code == agent


def test_the_public_help_page_shows_the_file_it_serves(dee, client):
    article, attachment = with_file(dee, audience=Audience.PUBLIC)
    page = client.get(article.get_absolute_url()).content.decode()
    assert reverse("knowledge:file", args=[attachment.pk]) in page and "steps.txt" in page
    response = get(client, attachment)
    assert b"".join(response.streaming_content) == b"1. Open the settings.\n"


def test_a_removed_file_is_gone_for_readers_but_kept_for_the_history(dee, alice, client_for):
    article, attachment = with_file(dee)
    services.article_attachment_remove(actor=dee, article=article, attachment=attachment)
    assert get(client_for(alice), attachment).status_code == 404
    assert "steps.txt" not in client_for(alice).get(article.get_absolute_url()).content.decode()
    assert get(client_for(dee), attachment).status_code == 200
    old = client_for(dee).get(reverse("knowledge:desk_version", args=[article.pk, 2]))
    assert "steps.txt" in old.content.decode()


def test_downloads_are_inert_and_never_cached(dee, client_for):
    _, text = with_file(dee, name="notes.txt", content=b"<script>alert(1)</script>")
    _, image = with_file(dee, name="shot.png", content=png_bytes(), title="Screenshot")
    response = get(client_for(dee), text)
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    shown = get(client_for(dee), image)
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["Content-Type"] == "image/png"


def test_an_api_token_downloads_what_its_owner_may_see(dee, alice, client):
    from tests.factories import api_key

    _, customers = with_file(dee)
    _, internal = with_file(dee, audience=Audience.INTERNAL, title="Internal")
    token = api_key(alice)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    url = reverse("knowledge:file", args=[customers.pk])
    assert client.get(url, **auth).status_code == 200
    assert client.get(reverse("knowledge:file", args=[internal.pk]), **auth).status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_the_editor_uploads_and_removes_files_in_one_version(dee, client_for, stored_files):
    article, old = with_file(dee)
    client = client_for(dee)
    edit = reverse("knowledge:desk_article_edit", args=[article.pk])
    form = client.get(edit).content.decode()
    assert 'enctype="multipart/form-data"' in form and "steps.txt" in form
    response = client.post(edit, {
        "title": article.title, "resolution": article.resolution, "audience": "customers",
        "confidence": "validated", "version": article.version, "remove": [old.pk],
        "files": [upload("new.png", png_bytes())]})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 3
    assert article.versions.get(number=3).note == "attached new.png; removed steps.txt"
    page = client.get(article.get_desk_url()).content.decode()
    assert "new.png" in page and 'class="attachment-thumb"' in page
    assert reverse("knowledge:file", args=[old.pk]) not in page  # only in version 2 now
    assert len(stored_files()) == 2


def test_a_bad_file_is_a_form_error_and_nothing_is_saved(dee, client_for, stored_files):
    article = make_article(dee)
    edit = reverse("knowledge:desk_article_edit", args=[article.pk])
    response = client_for(dee).post(edit, {
        "title": "Changed", "resolution": article.resolution, "audience": "customers",
        "confidence": "validated", "version": article.version,
        "files": [upload("fine.txt"), upload("tool.exe", b"MZ")]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "files of type .exe are not accepted" in page
    assert "Your files were not saved" in page
    article.refresh_from_db()
    assert (article.title, article.version) == ("Outlook keeps asking for your password", 1)
    assert stored_files() == [] and not ArticleAttachment.objects.exists()


def test_the_article_pages_cost_the_same_queries_for_one_file_or_many(
        dee, alice, client_for, django_assert_max_num_queries):
    article, _ = with_file(dee)
    pages = [(client_for(alice), article.get_absolute_url()),
             (client_for(dee), article.get_desk_url()),
             (client_for(dee), reverse("knowledge:desk_version", args=[article.pk, 2]))]
    counts = []
    for client, url in pages:
        client.get(url)
        with django_assert_max_num_queries(20) as one:
            client.get(url)
        counts.append(len(one.captured_queries))
    services.article_attachments_add(actor=dee, article=article,
                                     files=[upload(f"more{n}.txt") for n in range(6)])
    pages[2] = (pages[2][0], reverse("knowledge:desk_version", args=[article.pk, 3]))
    for (client, url), count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert "more5.txt" in client.get(url).content.decode()
