"""Files on an article: screenshots, scripts, documents. Downloaded only through
knowledge.web.files, which asks knowledge.selectors whether the article may be seen."""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .article import Article

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def article_file_path(instance, filename: str) -> str:
    # Random stored name: the user's name never reaches the filesystem.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"kb/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}{suffix}"


class ArticleAttachment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=article_file_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a later version drops the file. The row and the file stay, so older versions
    # still show it and restoring one of them brings it back; they go with the article.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "removed_at"], name="article_file_current")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:file", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES
