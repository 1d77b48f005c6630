"""Article search: one ranking of full-text relevance, trigram similarity and error codes.

On Postgres: a weighted tsvector (title A, symptoms B, cause and resolution C; migration
0002) matched with an OR of the query's words as prefixes, so paraphrases and other word
orders still match on the words they share; trigram word similarity against titles of
each query word full-text search does not know, so a typo still finds the title; and
trigram similarity of the error codes and host names in the query against those in the
articles. The three add up to one score, computed by Postgres for the candidates only (the
best full-text matches and the trigram matches), which returns the best few.
On SQLite (`make run`): a plain fallback of substring matches weighted the same way.

Every path starts from visible_articles: nothing the user may not see is ever scored.
"""

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.safestring import SafeString

from knowledge import text
from knowledge.models import Article
from knowledge.selectors.visibility import visible_articles

# How much each signal counts; the labelled fixture (tests/knowledge/fixtures) holds them.
FULL_TEXT, TITLE_TRIGRAM, CODE_TRIGRAM = 1.0, 0.35, 0.6
# Trigram word similarity from which a query word counts as found in a title or the codes:
# pg_trgm's default (0.6) misses transposed letters ("bitlokcer", "keybaord": 0.44-0.5).
WORD_THRESHOLD = 0.4
CANDIDATES = 100  # full-text matches scored in full; the rest rank below them anyway
FIELDS = ("pk", "title", "symptoms", "resolution", "audience", "confidence", "codes",
          "category_id", "updated_at")


@dataclass
class Hit:
    article: Article
    score: float
    snippet: SafeString


def search_articles(user, query: str, *, service=None, limit: int = 5,
                    unpublished: bool = False, plain: bool = False) -> list[Hit]:
    """The best `limit` articles for `query` that `user` may see, best first. With a
    `service`, only articles for that service or for no service in particular. `plain`
    ranks with the SQLite fallback on any database (its quality is measured on both)."""
    query = (query or "").strip()[:200]
    words, codes = text.terms(query), text.codes(query)
    if not words and not codes:
        return []
    articles = visible_articles(user, unpublished=unpublished)
    if service is not None:
        # EXISTS rather than a join: no DISTINCT over every selected column (and the
        # search vector) to undo the rows the join would repeat.
        linked = Article.services.through.objects.filter(article_id=OuterRef("pk"))
        articles = articles.filter(Exists(linked.filter(service_id=service.pk))
                                   | ~Exists(linked))
    articles = articles.only(*FIELDS)
    if connection.vendor == "postgresql" and not plain:
        with transaction.atomic(), connection.cursor() as cursor:
            # SET LOCAL: the threshold of the index-backed `%>` lookups, for this search only.
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                           [str(WORD_THRESHOLD)])
            ranked = _postgres(articles, words, codes, limit)
    else:
        ranked = _fallback(articles, words, codes)
    hits = []
    for article, score in ranked[:limit]:
        body = article.symptoms if article.symptoms.strip() else article.resolution
        hits.append(Hit(article=article, score=round(score, 4),
                        snippet=text.snippet(body, words + codes)))
    return hits


def _tsquery(words: list[str], codes: list[str]) -> SearchQuery:
    # Words are letters and digits only and codes [\w.-] (knowledge.text), so quoting
    # each one makes a valid raw tsquery; the english config stems and drops stopwords.
    parts = [f"'{w}':*" for w in words] + [f"'{c}'" for c in codes]
    return SearchQuery(" | ".join(parts), search_type="raw", config="english")


def _prefix(word: str) -> SearchQuery:
    return SearchQuery(f"'{word}':*", search_type="raw", config="english")


@contextmanager
def _through_indexes():
    """Plan the next reads with bitmap index scans only. For a LIMIT the planner expects
    many matches and scans the table until it has enough; a typo matches nothing, so that
    scan reads every row (16-30 ms at 10,000 articles where the GIN index takes 1-5 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), "
                       "current_setting('enable_indexscan'), "
                       "set_config('enable_seqscan', 'off', true), "
                       "set_config('enable_indexscan', 'off', true)")
        seqscan, indexscan = cursor.fetchone()[:2]
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true), "
                       "set_config('enable_indexscan', %s, true)", [seqscan, indexscan])


def _unknown(articles: QuerySet[Article], words: list[str]) -> list[str]:
    """The `words` no article the user may see contains (call under _through_indexes)."""
    return [w for w in words if not articles.filter(search=_prefix(w)).exists()]


def _postgres(articles: QuerySet[Article], words: list[str], codes: list[str], limit: int):
    from django.contrib.postgres.search import TrigramWordSimilarity

    tsquery = _tsquery(words, codes)
    rank = Coalesce(SearchRank(F("search"), tsquery, normalization=Value(1)), Value(0.0))
    # Trigrams look for the words full-text search does not know (typos): a word found as
    # it is costs no trigram work, which would otherwise touch every title sharing letters.
    # Candidates: the best full-text matches (ranking them is cheap), each with the long
    # query words it contains, which tells most words apart for free.
    long = [w for w in words if len(w) >= 4]
    rows = list(articles.filter(search=tsquery).annotate(rank=rank, **{
        f"has_{n}": ExpressionWrapper(Q(search=_prefix(w)), output_field=BooleanField())
        for n, w in enumerate(long)}).order_by("-rank")
        .values_list("pk", *[f"has_{n}" for n in range(len(long))])[:CANDIDATES])
    ids = {row[0] for row in rows}
    fuzzy = [w for n, w in enumerate(long) if not any(row[n + 1] for row in rows)]
    if len(rows) == CANDIDATES and fuzzy:
        # More matches than candidates: a word missing from these may be elsewhere.
        with _through_indexes():
            fuzzy = _unknown(articles, fuzzy)
    fuzzy_match = Q(pk__in=[])
    for word in fuzzy:
        fuzzy_match |= Q(title__trigram_word_similar=word)
    for code in codes:
        fuzzy_match |= Q(codes__trigram_word_similar=code)
    if fuzzy or codes:
        # Typos in title words match few titles: the index finds them where a scan would
        # read most of the table. Codes share shapes (0x8007…) with hundreds of others, of
        # which a scan finds enough at once (the exact code is a full-text match anyway).
        reads = _through_indexes() if not codes else nullcontext()
        with reads:
            ids.update(articles.filter(fuzzy_match).order_by().values_list("pk", flat=True)
                       [:CANDIDATES])
    if not ids:
        return []
    title = Value(0.0, output_field=FloatField())
    for word in fuzzy:
        title = title + TrigramWordSimilarity(Value(word), "title")
    code = Value(0.0, output_field=FloatField())
    if codes:
        code = Greatest(*[TrigramWordSimilarity(Value(c), "codes") for c in codes],
                        Value(0.0, output_field=FloatField()))
    # The whole score in SQL: Postgres ranks every candidate and returns only the best few,
    # so neither a common word nor a long article body costs a round of Python per row.
    score = (FULL_TEXT * rank / (rank + Value(0.1))
             + TITLE_TRIGRAM * title / Value(float(max(len(fuzzy), 1))) + CODE_TRIGRAM * code)
    rows = (articles.filter(pk__in=ids)
            .annotate(score=ExpressionWrapper(score, output_field=FloatField()))
            .order_by("-score", "pk")[:limit])
    return [(article, float(article.score)) for article in rows]


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


def _fallback(articles: QuerySet[Article], words: list[str], codes: list[str]):
    stems = list(dict.fromkeys(_stem(w) for w in words))
    match = Q()
    for stem in stems:
        match |= (Q(title__icontains=stem) | Q(symptoms__icontains=stem)
                  | Q(cause__icontains=stem) | Q(resolution__icontains=stem))
    for code in codes:
        match |= Q(codes__icontains=code)
    rows = articles.filter(match).only(*FIELDS, "cause")[:CANDIDATES * 5]
    scored = []
    for article in rows:
        title, symptoms = article.title.lower(), article.symptoms.lower()
        body = f"{article.cause} {article.resolution}".lower()
        hits = sum(3.0 * (s in title) + 1.5 * (s in symptoms) + 1.0 * (s in body)
                   for s in stems)
        found = sum(any(s in part for part in (title, symptoms, body)) for s in stems)
        score = (hits / (5.5 * max(len(stems), 1))) * (found / max(len(stems), 1))
        score += sum(CODE_TRIGRAM for c in codes if c in article.codes.split())
        scored.append((article, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored
