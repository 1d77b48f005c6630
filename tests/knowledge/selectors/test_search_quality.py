"""Search quality on the labelled fixture: recall@5 and MRR, on Postgres and on SQLite.

The issue's bar is recall@5 >= 0.8 and MRR >= 0.6 on Postgres. The floors below sit just
under what the ranking reaches today (Postgres 0.985 / 0.94; SQLite 0.88 / 0.84), so a
change that makes search worse fails here. SQLite's fallback has no trigrams: it misses
single misspelt words, which is why its floor is lower and asserted apart.
"""

import pytest

from knowledge.selectors import search_articles
from tests.knowledge.fixtures.articles import ARTICLES
from tests.knowledge.fixtures.queries import QUERIES

POSTGRES_FLOOR = {"recall": 0.95, "mrr": 0.90}
SQLITE_FLOOR = {"recall": 0.85, "mrr": 0.80}


def measure(user, articles, kinds=None, plain=False) -> dict[str, float]:
    by_pk = {article.pk: key for key, article in articles.items()}
    reciprocal, found, rows = [], 0, [q for q in QUERIES if kinds is None or q[2] in kinds]
    for query, expected, _ in rows:
        ranked = [by_pk[hit.article.pk] for hit in search_articles(user, query, limit=5,
                                                                   plain=plain)]
        rank = ranked.index(expected) + 1 if expected in ranked else None
        found += rank is not None
        reciprocal.append(1 / rank if rank else 0.0)
    return {"recall": found / len(rows), "mrr": sum(reciprocal) / len(rows)}


def test_the_fixture_is_big_and_varied_enough():
    assert len(ARTICLES) >= 30 and len(QUERIES) >= 50
    assert {kind for *_, kind in QUERIES} >= {"typo", "paraphrase", "code", "order"}
    assert all(expected in ARTICLES for _, expected, _ in QUERIES)


@pytest.mark.usefixtures("postgres")
def test_postgres_search_finds_the_labelled_answers(labelled_articles, alice):
    scores = measure(alice, labelled_articles)
    assert scores["recall"] >= 0.8 and scores["mrr"] >= 0.6  # the bar
    assert scores["recall"] >= POSTGRES_FLOOR["recall"], scores
    assert scores["mrr"] >= POSTGRES_FLOOR["mrr"], scores


@pytest.mark.usefixtures("postgres")
def test_postgres_finds_single_misspelt_words_and_codes(labelled_articles, alice):
    assert measure(alice, labelled_articles, kinds={"typo"})["recall"] == 1.0
    assert measure(alice, labelled_articles, kinds={"code"})["mrr"] >= 0.9


def test_the_plain_fallback_keeps_its_lower_floor(labelled_articles, alice):
    # The ranking SQLite uses, measured on whichever database the suite runs on.
    scores = measure(alice, labelled_articles, plain=True)
    assert scores["recall"] >= SQLITE_FLOOR["recall"], scores
    assert scores["mrr"] >= SQLITE_FLOOR["mrr"], scores


@pytest.mark.usefixtures("postgres")
def test_trigrams_are_what_finds_a_misspelt_word(labelled_articles, alice):
    plain = measure(alice, labelled_articles, kinds={"typo"}, plain=True)
    assert measure(alice, labelled_articles, kinds={"typo"})["recall"] > plain["recall"]
