"""article_create / update / restore / delete: versions, publish rules, validation."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from knowledge import services
from knowledge.models import Article, ArticleVersion, Audience, Confidence
from tests.factories import ServiceFactory, UserFactory
from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db


def test_every_save_writes_a_full_version(dee, dan, service, category):
    t0 = timezone.now() - timedelta(days=1)
    article = make_article(dee, title="VPN error 809", resolution="Use the SSL profile.",
                           category=category, services_=[service], asset_kinds=["workstation"])
    article.resolution = "Use the SSL profile or a hotspot."
    services.article_update(actor=dan, article=article, version=1, now=t0 + timedelta(hours=2))
    versions = list(article.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and article.version == 2
    first, second = versions
    assert first.by == dee and second.by == dan and second.at == t0 + timedelta(hours=2)
    assert first.resolution == "Use the SSL profile."
    assert second.resolution == "Use the SSL profile or a hotspot."
    assert first.service_ids == [service.pk] and first.category_id == category.pk
    assert first.asset_kinds == ["workstation"] and first.owner_id == dee.pk
    assert second.audience == Audience.CUSTOMERS and second.confidence == Confidence.VALIDATED


def test_restoring_a_version_is_a_new_version_with_the_old_content(dee, service):
    other = ServiceFactory(name="VPN")
    article = make_article(dee, title="First title", services_=[service])
    article.title = "Second title"
    services.article_update(actor=dee, article=article, services=[other])
    restored = services.article_restore(actor=dee, article=article, number=1)
    assert restored.version == 3 and restored.title == "First title"
    assert list(restored.services.all()) == [service]
    latest = restored.versions.get(number=3)
    assert latest.note == "restored version 1" and latest.title == "First title"
    with pytest.raises(ValidationError) as error:
        services.article_restore(actor=dee, article=article, number=9)
    assert "version" in error.value.message_dict


def test_a_stale_edit_is_refused(dee, dan):
    article = make_article(dee)
    mine, theirs = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    theirs.title = "Theirs"
    services.article_update(actor=dan, article=theirs, version=1)
    mine.title = "Mine"
    with pytest.raises(ValidationError) as error:
        services.article_update(actor=dee, article=mine, version=1)
    assert "version" in error.value.message_dict
    assert Article.objects.get(pk=article.pk).title == "Theirs"


def test_end_users_and_managers_never_write(alice, manny):
    for user in (alice, manny, None):
        with pytest.raises(PermissionDenied):
            make_article(user, audience=Audience.INTERNAL, confidence=Confidence.DRAFT)
    assert not Article.objects.exists()


def test_publishing_for_customers_or_validating_needs_the_publish_permission(db):
    writer = UserFactory(username="writer")
    writer.user_permissions.add(Permission.objects.get(codename="write_article"))
    draft = make_article(writer, audience=Audience.INTERNAL, confidence=Confidence.DRAFT)
    for audience, confidence in ((Audience.CUSTOMERS, Confidence.NOT_VALIDATED),
                                 (Audience.PUBLIC, Confidence.DRAFT),
                                 (Audience.INTERNAL, Confidence.VALIDATED)):
        fresh = Article.objects.get(pk=draft.pk)
        fresh.audience, fresh.confidence = audience, confidence
        with pytest.raises(PermissionDenied):
            services.article_update(actor=writer, article=fresh)
    internal = Article.objects.get(pk=draft.pk)
    internal.confidence = Confidence.NOT_VALIDATED
    services.article_update(actor=writer, article=internal)
    assert ArticleVersion.objects.filter(article=draft).count() == 2


def test_bad_input_names_the_fields(dee, alice):
    with pytest.raises(ValidationError) as error:
        make_article(dee, title="  ", resolution="", confidence=Confidence.VALIDATED,
                     asset_kinds=["toaster"], owner=alice, audience="everyone")
    assert set(error.value.message_dict) == {"title", "resolution", "asset_kinds", "owner",
                                             "audience"}


def test_codes_are_kept_for_trigram_search(dee):
    article = make_article(dee, title="Update fails with 0x80070005",
                           resolution="Reset it on wsus01.corp.example.")
    assert article.codes.split() == ["0x80070005", "wsus01.corp.example"]


def test_deleting_needs_the_same_rights(dee, alice):
    article = make_article(dee)
    with pytest.raises(PermissionDenied):
        services.article_delete(actor=alice, article=article)
    services.article_delete(actor=dee, article=article)
    assert not Article.objects.exists() and not ArticleVersion.objects.exists()
