"""Knowledge fixtures: articles made through the service, uploads, the labelled search set."""

import pytest

from knowledge import services
from knowledge.models import Article, Audience, Confidence
from tests.knowledge.fixtures.articles import ARTICLES


def make_article(actor, *, services_=(), **fields) -> Article:
    """An article saved the way the desk saves one (published for customers by default)."""
    fields.setdefault("title", "Outlook keeps asking for your password")
    fields.setdefault("resolution", "Remove the cached credential and sign in again.")
    fields.setdefault("audience", Audience.CUSTOMERS)
    fields.setdefault("confidence", Confidence.VALIDATED)
    return services.article_create(actor=actor, article=Article(**fields), services=services_)


@pytest.fixture
def article_maker(dee):
    def make(**fields):
        return make_article(fields.pop("actor", dee), **fields)

    return make


@pytest.fixture
def labelled_articles(dee) -> dict[str, Article]:
    """The 32 articles of tests/knowledge/fixtures/articles.py, public and validated."""
    return {key: make_article(dee, audience=Audience.PUBLIC, **fields)
            for key, fields in ARTICLES.items()}


def upload(name: str = "steps.txt", content: bytes = b"1. Open the settings.\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def stored_files(settings):
    """stored_files() -> every file under MEDIA_ROOT, to show none is left behind."""
    from pathlib import Path

    def listing() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) \
            if root.exists() else []

    return listing
