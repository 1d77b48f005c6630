"""/api/v1/kb/…: inputs take only what the schema says (text as text, booleans as
booleans, ids in range, a query with something to search for), and reads need no sign-in."""

import pytest

from knowledge.models import Audience
from tests.knowledge.api.test_articles import LIST, api, detail
from tests.knowledge.api.test_search import SEARCH, SUGGEST
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title", [123, True, "Printer\x00jams"])
def test_an_article_title_is_text_without_nul(dee, title):
    response = api(dee).post(LIST, {"title": title, "resolution": "Restart it."},
                             format="json")
    assert response.status_code == 400 and "title" in response.json()


def test_feedback_and_links_take_a_boolean_and_text_only(dee, alice):
    article = make_article(dee)
    for body, field in (({"helpful": 0}, "helpful"), ({"helpful": "no"}, "helpful"),
                        ({"helpful": True, "reason": 5}, "reason")):
        response = api(alice).post(detail(article, "feedback"), body, format="json")
        assert response.status_code == 400 and field in response.json(), body
    response = api(dee).post(detail(article, "links"), {"ticket": 1042}, format="json")
    assert response.status_code == 400 and "ticket" in response.json()


def test_list_filters_take_ids_in_range_and_an_unknown_one_matches_nothing(dee):
    make_article(dee)
    for name in ("category", "service"):
        assert api(dee).get(LIST, {name: "1e300"}).status_code == 400
        assert api(dee).get(LIST, {name: "0"}).status_code == 400
        unknown = api(dee).get(LIST, {name: "987654"})
        assert unknown.status_code == 200 and unknown.json()["count"] == 0


def test_anonymous_callers_read_public_articles_files_and_links_but_not_versions(dee):
    public = make_article(dee, title="Reset your password", audience=Audience.PUBLIC)
    anonymous = api()
    assert [row["id"] for row in anonymous.get(LIST).json()["results"]] == [public.pk]
    assert anonymous.get(detail(public)).json()["title"] == "Reset your password"
    assert anonymous.get(detail(public, "attachments")).json() == []
    assert anonymous.get(detail(public, "links")).json() == []
    assert anonymous.get(detail(public, "versions")).status_code == 401


@pytest.mark.parametrize("q", ["", "   ", "vpn\x00", "vpn\x07 809", " " * 201 + "vpn"])
def test_the_query_needs_something_to_search_for_and_no_control_characters(alice, q):
    for url in (SUGGEST, SEARCH):
        response = api(alice).get(url, {"q": q})
        assert response.status_code == 400 and "q" in response.json(), (url, q)


def test_the_query_may_carry_pasted_whitespace(dee, alice):
    article = make_article(dee, title="VPN error 809")
    response = api(alice).get(SEARCH, {"q": "\tvpn\n809 "})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [article.pk]
