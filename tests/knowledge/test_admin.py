"""Admin: every knowledge model is listed; articles save through the service (a version)."""

import pytest
from django.urls import reverse

from knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
    Deflection,
    SearchLog,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Article, ArticleVersion, ArticleFeedback, ArticleTicketLink,
                                   SearchLog, Deflection])
def test_admins_see_every_knowledge_changelist(client_for, ada, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client_for(ada).get(url).status_code == 200


def test_an_article_saved_in_the_admin_is_a_version(client_for, ada, service):
    client = client_for(ada)
    add = reverse("admin:knowledge_article_add")
    response = client.post(add, {"title": "VPN 809", "resolution": "Use SSL.",
                                 "audience": "public", "confidence": "validated",
                                 "services": [service.pk], "asset_kinds": "[]"})
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.version == 1 and article.versions.get().by == ada
    assert list(article.services.all()) == [service] and article.codes == "809"
    change = reverse("admin:knowledge_article_change", args=[article.pk])
    client.post(change, {"title": "VPN error 809", "resolution": "Use SSL.",
                         "audience": "public", "confidence": "validated",
                         "services": [service.pk], "asset_kinds": "[]"})
    assert article.versions.count() == 2


def test_service_rules_are_form_errors_in_the_admin(client_for, ada):
    response = client_for(ada).post(reverse("admin:knowledge_article_add"), {
        "title": "No fix", "resolution": "", "audience": "public", "confidence": "validated",
        "asset_kinds": '["toaster"]'})
    assert response.status_code == 200 and not Article.objects.exists()
    page = response.content.decode()
    assert "Only a draft may go without a resolution" in page and "Asset kinds are among" in page
