"""Search reads some candidates with the planner held to index scans (a LIMIT a typo never
fills made it scan the table): the result is the same, and the settings are put back."""

import pytest
from django.db import connection

from knowledge.selectors import search_articles
from knowledge.selectors.search import CANDIDATES
from tests.knowledge.conftest import make_article
from tests.knowledge.fixtures.articles import ARTICLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres")]


def planner_settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), "
                       "current_setting('enable_indexscan')")
        return cursor.fetchone()


def test_a_typo_beside_a_common_word_still_finds_its_title(dee, alice):
    # More full-text matches for "laptop" than the search takes as candidates, none of
    # them with the typo: whether "bitlokcer" is a known word is asked of the index, and
    # as it is not, the title's trigrams lift the article above the other laptops.
    for n in range(CANDIDATES + 5):
        make_article(dee, title=f"Docking station {n}", symptoms="The laptop shows an error.")
    target = make_article(dee, **ARTICLES["bitlocker-recovery"])
    hits = search_articles(alice, "laptop bitlokcer", limit=5)
    assert hits[0].article.pk == target.pk
    assert planner_settings() == ("on", "on")


def test_a_title_typo_alone_is_found_and_the_settings_are_put_back(dee, alice):
    target = make_article(dee, **ARTICLES["sharepoint-access"])
    make_article(dee, title="Citrix shows a black screen")
    assert [hit.article.pk for hit in search_articles(alice, "sharpoint")][:1] == [target.pk]
    assert planner_settings() == ("on", "on")
