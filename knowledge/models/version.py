"""A full snapshot of an article, written by every save: who, when, every field."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .article import Article, Audience, Confidence


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True, help_text="e.g. “restored version 2”")
    title = models.CharField(max_length=200)
    symptoms = models.TextField(blank=True)
    cause = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    confidence = models.CharField(max_length=20, choices=Confidence.choices)
    # Ids as they were, not foreign keys: a deleted category or service must not rewrite
    # history (the page shows "deleted" for an id that no longer resolves).
    category_id = models.PositiveBigIntegerField(null=True, blank=True)
    service_ids = models.JSONField(default=list, blank=True)
    asset_kinds = models.JSONField(default=list, blank=True)
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    review_at = models.DateField(null=True, blank=True)
    # The article's files at this version (ArticleAttachment ids; removed files keep their
    # row, so every id still resolves).
    attachment_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
