"""/api/v1/kb/articles/{id}/attachments/: list what the caller may see, upload as a new
version (DSEs and admins), take a file off, and field errors for bad files."""

import pytest
from django.urls import reverse

from knowledge import services
from knowledge.models import ArticleAttachment, Audience
from tests.knowledge.api.test_articles import api
from tests.knowledge.conftest import make_article, upload
from tests.tickets.web.portal.helpers import png_bytes

pytestmark = pytest.mark.django_db


def files_url(article) -> str:
    return reverse("api-kb-article-attachments", args=[article.pk])


def file_url(article, attachment) -> str:
    return reverse("api-kb-article-attachment", args=[article.pk, attachment.pk])


def test_a_dse_uploads_files_and_gets_their_download_links(dee, stored_files):
    article = make_article(dee)
    response = api(dee).post(files_url(article), {
        "files": [upload("steps.txt"), upload("shot.png", png_bytes())]}, format="multipart")
    assert response.status_code == 201, response.json()
    body = {f["name"]: f for f in response.json()}
    assert body["shot.png"]["is_image"] and body["shot.png"]["content_type"] == "image/png"
    assert body["steps.txt"]["uploaded_by"] == "Dee Desk"
    assert body["steps.txt"]["download_url"].endswith(
        reverse("knowledge:file", args=[body["steps.txt"]["id"]]))
    article.refresh_from_db()
    assert article.version == 2
    versions = api(dee).get(reverse("api-kb-article-versions", args=[article.pk])).json()
    assert versions[0]["note"] == "attached steps.txt, shot.png"
    assert sorted(versions[0]["attachment_ids"]) == sorted(f["id"] for f in body.values())
    assert len(stored_files()) == 2


def test_the_list_honours_the_callers_audience(dee, alice):
    customers = make_article(dee)
    internal = make_article(dee, title="Internal", audience=Audience.INTERNAL)
    for article in (customers, internal):
        services.article_attachments_add(actor=dee, article=article, files=[upload()])
    assert [f["name"] for f in api(alice, token=True).get(files_url(customers)).json()] == \
        ["steps.txt"]
    assert api(alice, token=True).get(files_url(internal)).status_code == 404
    assert api().get(files_url(customers)).status_code == 404
    assert len(api(dee).get(files_url(internal)).json()) == 1


def test_bad_files_are_a_400_with_field_messages_and_store_nothing(dee, stored_files):
    article = make_article(dee)
    response = api(dee).post(files_url(article), {"files": [upload("run.exe", b"MZ")]},
                             format="multipart")
    assert response.status_code == 400
    assert "not accepted" in response.json()["files"][0]
    assert api(dee).post(files_url(article), {}, format="multipart").status_code == 400
    assert api(dee).post(files_url(article), {"files": "x"}, format="json").status_code == 415
    assert stored_files() == [] and article.versions.count() == 1


def test_end_users_cannot_upload_or_remove(dee, alice):
    article = make_article(dee)
    services.article_attachments_add(actor=dee, article=article, files=[upload()])
    attachment = article.attachments.get()
    assert api(alice).post(files_url(article), {"files": [upload()]},
                           format="multipart").status_code == 403
    assert api(alice).delete(file_url(article, attachment)).status_code == 403
    assert ArticleAttachment.objects.filter(removed_at__isnull=True).count() == 1


def test_removing_a_file_is_a_new_version_and_a_second_time_a_404(dee):
    article = make_article(dee)
    services.article_attachments_add(actor=dee, article=article, files=[upload()])
    attachment = article.attachments.get()
    assert api(dee).delete(file_url(article, attachment)).status_code == 204
    assert api(dee).get(files_url(article)).json() == []
    assert api(dee).delete(file_url(article, attachment)).status_code == 404
    other = make_article(dee, title="Other")
    services.article_attachments_add(actor=dee, article=other, files=[upload()])
    assert api(dee).delete(file_url(article, other.attachments.get())).status_code == 404
    article.refresh_from_db()
    assert article.version == 3


def test_the_list_costs_the_same_queries_for_one_file_or_many(dee, alice,
                                                              django_assert_max_num_queries):
    article = make_article(dee)
    services.article_attachments_add(actor=dee, article=article, files=[upload()])
    client = api(alice, token=True)
    client.get(files_url(article))
    with django_assert_max_num_queries(10) as one:
        client.get(files_url(article))
    services.article_attachments_add(actor=dee, article=article,
                                     files=[upload(f"{n}.txt") for n in range(8)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(files_url(article)).json()) == 9
