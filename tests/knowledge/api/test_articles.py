"""/api/v1/kb/articles/: audiences on read, writes by DSEs and admins, versions, feedback,
links, field errors, and a list whose query count does not grow with its rows."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from knowledge.models import Article, ArticleFeedback, Audience, Confidence
from tests.factories import make_ticket, user_key
from tests.knowledge.conftest import make_article
from tickets import services as tickets
from tickets.models import Status

pytestmark = pytest.mark.django_db
LIST = reverse("api-kb-article-list")


def api(user=None, token=False) -> APIClient:
    client = APIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {user_key(user)}")
    elif user is not None:
        client.force_authenticate(user)
    return client


def detail(article, action=None) -> str:
    name = f"api-kb-article-{action}" if action else "api-kb-article-detail"
    return reverse(name, args=[article.pk])


@pytest.fixture
def shelf(dee):
    return {audience: make_article(dee, title=f"VPN error 809 ({audience})", audience=audience)
            for audience in Audience.values} | {
        "draft": make_article(dee, title="VPN error 809 draft", audience=Audience.PUBLIC,
                              confidence=Confidence.DRAFT)}


def _titles(response) -> set[str]:
    return {row["title"] for row in response.json()["results"]}


def test_reads_honour_the_callers_audience(shelf, alice, dee):
    assert _titles(api().get(LIST)) == {"VPN error 809 (public)"}
    assert _titles(api(alice, token=True).get(LIST)) == {"VPN error 809 (public)",
                                                         "VPN error 809 (customers)"}
    assert len(_titles(api(dee).get(LIST))) == 4
    for article in (shelf["internal"], shelf["draft"]):
        assert api(alice, token=True).get(detail(article)).status_code == 404
        assert api().get(detail(article)).status_code == 404
    assert api(dee).get(detail(shelf["internal"])).status_code == 200


def test_a_dse_writes_and_publishes_and_an_end_user_cannot(dee, alice, service, category):
    body = {"title": "Printer jams", "resolution": "Use tray 1.", "audience": "internal",
            "confidence": "draft", "services": [service.pk], "category": category.pk,
            "asset_kinds": ["workstation"]}
    assert api(alice).post(LIST, body, format="json").status_code == 403
    assert api().post(LIST, body, format="json").status_code == 401
    created = api(dee).post(LIST, body, format="json")
    assert created.status_code == 201, created.json()
    article = Article.objects.get()
    assert created.json()["version"] == 1 and created.json()["services"] == [service.pk]
    published = api(dee).patch(detail(article), {"audience": "public", "confidence": "validated",
                                                 "version": 1}, format="json")
    assert published.status_code == 200 and published.json()["version"] == 2
    assert api().get(detail(article)).json()["title"] == "Printer jams"
    stale = api(dee).patch(detail(article), {"title": "Old", "version": 1}, format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    assert api(alice).patch(detail(article), {"title": "Mine"}, format="json").status_code == 403
    assert api(alice).delete(detail(article)).status_code == 403


def test_bad_input_is_a_400_with_field_messages(dee, alice):
    response = api(dee).post(LIST, {"title": "", "audience": "everyone", "confidence": "sure",
                                    "asset_kinds": ["toaster"], "services": [999]},
                             format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"title", "audience", "confidence", "asset_kinds",
                                     "services"}
    response = api(dee).post(LIST, {"title": "No fix", "confidence": "validated",
                                    "audience": "internal"}, format="json")
    assert response.status_code == 400 and "resolution" in response.json()


def test_versions_and_restore(dee, alice):
    article = make_article(dee, title="First")
    api(dee).patch(detail(article), {"title": "Second"}, format="json")
    versions = api(dee).get(detail(article, "versions")).json()
    assert [(v["number"], v["title"]) for v in versions] == [(2, "Second"), (1, "First")]
    restored = api(dee).post(detail(article, "restore"), {"version": 1}, format="json")
    assert restored.status_code == 200 and restored.json()["title"] == "First"
    assert restored.json()["version"] == 3
    assert api(dee).post(detail(article, "restore"), {"version": 7},
                         format="json").status_code == 400
    assert api(alice).post(detail(article, "restore"), {"version": 1},
                           format="json").status_code == 403


def test_feedback_and_links(dee, alice):
    article = make_article(dee)
    answer = api(alice).post(detail(article, "feedback"), {"helpful": False, "reason": "Mac"},
                             format="json")
    assert answer.status_code == 200 and ArticleFeedback.objects.get().reason == "Mac"
    assert api().post(detail(article, "feedback"), {"helpful": True},
                      format="json").status_code == 401
    assert api(alice).post(detail(article, "feedback"), {}, format="json").status_code == 400
    ticket = make_ticket(alice)
    tickets.ticket_transition(ticket=ticket, actor=dee, to=Status.RESOLVED)
    linked = api(dee).post(detail(article, "links"), {"ticket": ticket.ref}, format="json")
    assert linked.status_code == 201 and linked.json()["ticket"] == ticket.ref
    assert api(alice).post(detail(article, "links"), {"ticket": ticket.ref},
                           format="json").status_code == 403  # end users never link
    assert api(dee).post(detail(article, "links"), {"ticket": "INC-999"},
                         format="json").status_code == 404
    assert [row["ticket"] for row in api(dee).get(detail(article, "links")).json()] == [
        ticket.ref]
    assert api(alice).get(detail(article, "links")).json() == []
    assert api(dee).get(detail(article)).json()["solved"] == 1


def test_the_list_costs_the_same_queries_for_three_or_thirty(dee, service,
                                                             django_assert_num_queries):
    for n in range(3):
        make_article(dee, title=f"Article {n}", services_=[service])
    client = api(dee)
    with django_assert_num_queries(3) as small:  # count, page, services (perms cached)
        assert client.get(LIST).status_code == 200
    for n in range(3, 30):
        make_article(dee, title=f"Article {n}", services_=[service])
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get(LIST).json()["results"]) == 30
