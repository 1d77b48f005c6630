"""Which article files a user may download: those of articles they may read (visibility).

End users and anonymous visitors get the current files of the published articles they may
see, nothing else; support engineers also the files a later version removed, which the
version history still shows.
"""

from django.db.models import QuerySet

from knowledge import rules
from knowledge.models import Article, ArticleAttachment
from knowledge.selectors.visibility import visible_articles


def visible_attachments(user) -> QuerySet[ArticleAttachment]:
    if rules.sees_internal(user):
        return ArticleAttachment.objects.filter(
            article__in=visible_articles(user, unpublished=True))
    return ArticleAttachment.objects.filter(article__in=visible_articles(user),
                                            removed_at__isnull=True)


def get_visible_attachment(user, pk: int) -> ArticleAttachment | None:
    return visible_attachments(user).filter(pk=pk).first()


def article_files(article: Article) -> list[ArticleAttachment]:
    """The article's current files, for a page that already checked the article."""
    return list(ArticleAttachment.objects.filter(article=article, removed_at__isnull=True)
                .select_related("uploaded_by"))


def version_files(article: Article, ids: list[int]) -> list[ArticleAttachment]:
    """The files of one version (rows of removed files included), in upload order."""
    return list(ArticleAttachment.objects.filter(article=article, pk__in=ids))
