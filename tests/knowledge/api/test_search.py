"""GET /api/v1/kb/suggest/ and /api/v1/kb/search/: ranked, audience-bound, logged, 400s."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from knowledge.models import Audience, SearchLog
from tests.factories import ServiceFactory, user_key
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db
SUGGEST, SEARCH = reverse("api-kb-suggest-list"), reverse("api-kb-search-list")


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_key(user)}")
    return client


@pytest.fixture
def vpn_articles(dee):
    return {audience: make_article(dee, title=f"VPN error 809 for {audience}",
                                   audience=audience, resolution="Use the SSL profile.")
            for audience in Audience.values}


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_internal_articles_never_reach_anonymous_callers_or_end_user_tokens(vpn_articles,
                                                                              alice, dee):
    public, customers = vpn_articles[Audience.PUBLIC].pk, vpn_articles[Audience.CUSTOMERS].pk
    for url in (SUGGEST, SEARCH):
        assert _ids(APIClient().get(url, {"q": "vpn 809"})) == {public}
        assert _ids(token_client(alice).get(url, {"q": "vpn 809"})) == {public, customers}
        assert vpn_articles[Audience.INTERNAL].pk in _ids(token_client(dee).get(
            url, {"q": "vpn 809"}))


def test_results_are_ranked_with_a_marked_snippet_and_a_link(dee, alice):
    best = make_article(dee, title="VPN fails with error 809",
                        symptoms="The VPN says error 809.")
    make_article(dee, title="Printer jams", symptoms="Also mentions the VPN once.")
    body = token_client(alice).get(SEARCH, {"q": "vpn error 809"}).json()
    assert body["count"] == 2 and body["results"][0]["id"] == best.pk
    first = body["results"][0]
    assert first["score"] > body["results"][1]["score"]
    assert "<mark>" in first["snippet"] and first["url"].endswith(f"/help/articles/{best.pk}/")


def test_suggest_keeps_to_five_and_to_the_chosen_service(dee, alice, service):
    vpn = ServiceFactory(name="VPN")
    for n in range(7):
        make_article(dee, title=f"Mailbox full case {n}", services_=[service])
    elsewhere = make_article(dee, title="Mailbox full on VPN", services_=[vpn])
    assert len(token_client(alice).get(SUGGEST, {"q": "mailbox full", "limit": 20})
               .json()["results"]) == 5
    assert elsewhere.pk not in _ids(token_client(alice).get(
        SUGGEST, {"q": "mailbox full", "service": service.pk}))


def test_bad_input_is_a_400_with_field_messages(alice):
    client = token_client(alice)
    for url in (SUGGEST, SEARCH):
        assert "q" in client.get(url).json()
        assert "q" in client.get(url, {"q": "x" * 201}).json()
        assert "service" in client.get(url, {"q": "vpn", "service": "999"}).json()
        assert "limit" in client.get(url, {"q": "vpn", "limit": "0"}).json()
        assert client.get(url, {"q": "vpn", "limit": "abc"}).status_code == 400


def test_each_search_is_logged_for_the_no_good_result_report(dee, alice):
    make_article(dee, title="VPN error 809")
    token_client(alice).get(SEARCH, {"q": "vpn 809"})
    APIClient().get(SUGGEST, {"q": "printer toner"})
    rows = list(SearchLog.objects.order_by("pk").values_list("query", "results", "role",
                                                             "where"))
    assert rows == [("vpn 809", 1, "end_user", "api"), ("printer toner", 0, "anonymous", "api")]
