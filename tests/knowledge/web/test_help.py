"""The help centre: index by category, search (logged), article page, "Was this helpful?"."""

import pytest
from django.urls import reverse

from knowledge.models import ArticleFeedback, Audience, Confidence, SearchLog
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db
HELP = reverse("knowledge:help")


@pytest.fixture
def shelf(dee, category):
    return {
        "public": make_article(dee, title="VPN error 809", audience=Audience.PUBLIC,
                               category=category, symptoms="The **VPN** says 809."),
        "customers": make_article(dee, title="VPN profile for staff", category=category),
        "internal": make_article(dee, title="VPN server restart", audience=Audience.INTERNAL),
        "draft": make_article(dee, title="VPN draft", audience=Audience.PUBLIC,
                              confidence=Confidence.DRAFT),
    }


def test_the_index_lists_by_category_what_the_visitor_may_see(shelf, client, client_for,
                                                               alice, dee):
    anonymous = client.get(HELP).content.decode()
    assert "VPN error 809" in anonymous and "VPN profile for staff" not in anonymous
    mine = client_for(alice).get(HELP).content.decode()
    assert "Hardware" in mine and "VPN profile for staff" in mine
    assert "VPN server restart" not in anonymous + mine
    engineer = client_for(dee).get(HELP).content.decode()
    assert "VPN server restart" in engineer  # support engineers read internal ones too
    for page in (anonymous, mine, engineer):
        assert "VPN draft" not in page


def test_search_shows_marked_snippets_and_is_logged(shelf, client_for, alice):
    page = client_for(alice).get(HELP, {"q": "vpn 809"}).content.decode()
    assert "<mark>VPN</mark>" in page and "VPN server restart" not in page
    log = SearchLog.objects.get()
    assert (log.query, log.where, log.role) == ("vpn 809", "help", "end_user")
    assert "Nothing found" in client_for(alice).get(HELP, {"q": "toner"}).content.decode()


def test_an_article_page_renders_markdown_and_hides_what_it_must(shelf, client, client_for,
                                                                 alice, dee):
    response = client.get(shelf["public"].get_absolute_url())
    assert response.status_code == 200 and "<strong>VPN</strong>" in response.content.decode()
    assert client.get(shelf["customers"].get_absolute_url()).status_code == 404
    assert client_for(alice).get(shelf["customers"].get_absolute_url()).status_code == 200
    assert client_for(alice).get(shelf["internal"].get_absolute_url()).status_code == 404
    assert client_for(dee).get(shelf["draft"].get_absolute_url()).status_code == 404


def test_was_this_helpful(shelf, client_for, alice):
    article = shelf["public"]
    url = reverse("knowledge:help_feedback", args=[article.pk])
    client = client_for(alice)
    response = client.post(url, {"helpful": "no", "reason": "Still fails on Wi-Fi"})
    assert response.status_code == 302 and response.url == article.get_absolute_url()
    assert ArticleFeedback.objects.get().reason == "Still fails on Wi-Fi"
    client.post(url, {"helpful": "yes"})
    assert ArticleFeedback.objects.get().helpful is True
    assert "You answered “yes”" in client.get(article.get_absolute_url()).content.decode()
    client.post(url, {})
    assert ArticleFeedback.objects.count() == 1
    internal = reverse("knowledge:help_feedback", args=[shelf["internal"].pk])
    assert client.post(internal, {"helpful": "yes"}).status_code == 404
