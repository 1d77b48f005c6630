"""visible_articles and search: who sees which article, on every read path of the selector."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.models import Audience, Confidence
from knowledge.selectors import article_detail, help_categories, search_articles, visible_articles
from tests.factories import ServiceFactory
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(dee):
    """One article per (audience, confidence), all about the same VPN error."""
    return {(audience, confidence): make_article(
        dee, title=f"VPN error 809 {audience} {confidence}", audience=audience,
        confidence=confidence, resolution="Use the SSL profile.")
        for audience in Audience.values for confidence in Confidence.values}


def _seen(articles) -> set[tuple[str, str]]:
    return {(a.audience, a.confidence) for a in articles}


PUBLISHED = {Confidence.NOT_VALIDATED, Confidence.VALIDATED}


def test_each_role_sees_its_audiences_and_end_users_never_drafts(shelf, alice, manny, dee):
    anonymous = AnonymousUser()
    assert _seen(visible_articles(anonymous)) == {(Audience.PUBLIC, c) for c in PUBLISHED}
    for user in (alice, manny):  # a manager reads reports, not internal articles
        assert _seen(visible_articles(user, unpublished=True)) == {
            (a, c) for a in (Audience.PUBLIC, Audience.CUSTOMERS) for c in PUBLISHED}
    assert _seen(visible_articles(dee)) == {(a, c) for a in Audience.values for c in PUBLISHED}
    assert len(visible_articles(dee, unpublished=True)) == len(shelf)


def test_search_never_returns_what_the_user_may_not_see(shelf, alice, dee):
    for user, allowed in ((AnonymousUser(), {Audience.PUBLIC}),
                          (alice, {Audience.PUBLIC, Audience.CUSTOMERS})):
        hits = search_articles(user, "vpn error 809", limit=50)
        assert hits and {h.article.audience for h in hits} <= allowed
        assert {h.article.confidence for h in hits} <= PUBLISHED
        plain = search_articles(user, "vpn error 809", limit=50, plain=True)
        assert {h.article.pk for h in plain} == {h.article.pk for h in hits}
    assert Audience.INTERNAL in {h.article.audience
                                 for h in search_articles(dee, "vpn error 809", limit=50)}


def test_detail_and_help_index_follow_the_same_rules(shelf, alice, dee):
    internal = shelf[(Audience.INTERNAL, Confidence.VALIDATED)]
    draft = shelf[(Audience.PUBLIC, Confidence.DRAFT)]
    assert article_detail(alice, internal.pk) is None
    assert article_detail(alice, draft.pk) is None
    assert article_detail(dee, draft.pk) == draft
    listed = {a.pk for _, articles in help_categories(alice) for a in articles}
    assert listed == {a.pk for a in visible_articles(alice)}


def test_suggestions_for_a_service_keep_general_articles(dee, alice, service):
    vpn = ServiceFactory(name="VPN")
    mail = make_article(dee, title="Mailbox full", services_=[service])
    other = make_article(dee, title="Mailbox full on the VPN box", services_=[vpn])
    general = make_article(dee, title="Mailbox full, general advice")
    found = {h.article.pk for h in search_articles(alice, "mailbox full", service=service)}
    assert found == {mail.pk, general.pk} and other.pk not in found


def test_snippets_escape_the_article_and_mark_the_words(dee, alice):
    make_article(dee, title="Script warning", symptoms="A <script>alert(1)</script> warning "
                 "pops up")
    hit = search_articles(alice, "warning")[0]
    assert "<script" not in hit.snippet and "&lt;script" in hit.snippet
    assert "<mark>warning</mark>" in hit.snippet


def test_an_empty_or_stopword_query_finds_nothing(dee, alice):
    make_article(dee)
    assert search_articles(alice, "") == [] and search_articles(alice, "the and of") == []


def test_search_costs_the_same_queries_for_few_or_many_matches(dee, alice,
                                                               django_assert_num_queries):
    for n in range(3):
        make_article(dee, title=f"Mailbox full {n}", symptoms="Outlook says mailbox full.")
    search_articles(alice, "warm up")  # alice's permissions, read once per request
    with CaptureQueriesContext(connection) as few:
        assert len(search_articles(alice, "mailbox full outlok", limit=5)) == 3
    for n in range(3, 30):
        make_article(dee, title=f"Mailbox full {n}", symptoms="Outlook says mailbox full.")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(search_articles(alice, "mailbox full outlok", limit=5)) == 5
