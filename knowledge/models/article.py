"""An article: the answer to one problem, in the KCS shape (symptoms, cause, resolution)."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from itsm.models import Service


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal (support engineers)"
    CUSTOMERS = "customers", "Customers (signed-in users)"
    PUBLIC = "public", "Public (anyone)"


class Confidence(models.TextChoices):
    DRAFT = "draft", "Draft"
    NOT_VALIDATED = "not_validated", "Not validated"
    VALIDATED = "validated", "Validated"
    ARCHIVED = "archived", "Archived"


# What end users may ever be shown; drafts and archived articles are for the desk only.
PUBLISHED = (Confidence.NOT_VALIDATED, Confidence.VALIDATED)


class Article(models.Model):
    title = models.CharField(max_length=200)
    symptoms = models.TextField(blank=True, help_text="Markdown: what the user sees.")
    cause = models.TextField(blank=True, help_text="Markdown: why it happens.")
    resolution = models.TextField(blank=True, help_text="Markdown: the fix or workaround.")
    audience = models.CharField(max_length=20, choices=Audience.choices,
                                default=Audience.INTERNAL)
    confidence = models.CharField(max_length=20, choices=Confidence.choices,
                                  default=Confidence.DRAFT)
    category = models.ForeignKey("tickets.Category", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="articles")
    services = models.ManyToManyField(Service, blank=True, related_name="articles")
    # Values of itsm.Asset.Kind; a list because kinds are choices, not rows.
    asset_kinds = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_articles")
    review_at = models.DateField(null=True, blank=True, help_text="When to check it again.")
    # Bumped by every save; equals the number of the latest ArticleVersion.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Error strings, codes and host names found in the text (knowledge.text.codes), kept by
    # the service: trigram search matches them even when typed slightly wrong.
    codes = models.TextField(blank=True, editable=False)
    # Weighted tsvector kept by a Postgres trigger on every write path (migration 0002);
    # NULL on SQLite, which searches with the plain fallback (knowledge.selectors.search).
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        permissions = [
            ("write_article", "Can write knowledge articles"),
            ("publish_article", "Can publish articles to customers or validate them"),
        ]
        indexes = [
            # GIN indexes on `search`, title and codes (trigram) are Postgres-only: made by
            # migration 0002 with the trigger that keeps `search` current.
            models.Index(fields=["audience", "confidence"], name="article_audience"),
            models.Index(fields=["review_at"], name="article_review"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:help_article", args=[self.pk])

    def get_desk_url(self) -> str:
        return reverse("knowledge:desk_article", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.confidence in PUBLISHED
