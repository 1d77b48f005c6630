"""Files on articles: checked like ticket files (tickets.uploads), stored under random names,
added and removed as part of an article save so each change is a version.

Removing a file keeps its row and stored file (`removed_at`): older versions still list it
and restoring one brings it back. Files go for good with their article (article_delete).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from itsm.models import User
from knowledge.models import Article, ArticleAttachment
from knowledge.models.attachment import article_file_path
from tickets import uploads

# Live files per article: an article is an answer, not a file share.
MAX_PER_ARTICLE = 30


def check_files(article: Article | None, files: Sequence, removing: int = 0) -> None:
    """Refuse bad files before anything is written (types, sizes, count)."""
    if not files:
        return
    uploads.validate_files(files)
    current = 0 if article is None or article.pk is None else \
        ArticleAttachment.objects.filter(article=article, removed_at__isnull=True).count()
    if current - removing + len(files) > MAX_PER_ARTICLE:
        raise ValidationError({"files": [
            f"An article holds at most {MAX_PER_ARTICLE} files; it has {current}."]})


def store(article: Article, actor: User | None, files: Sequence, stored: list[str], *,
          now: datetime) -> list[str]:
    """Save each file and its row; `stored` collects names to delete if the save fails."""
    names = []
    for f in files:
        name = uploads.display_name(f.name)
        attachment = ArticleAttachment(
            article=article, original_name=name, size=f.size, created_at=now,
            content_type=uploads.content_type_for(name),
            uploaded_by=actor if actor is not None and actor.is_authenticated else None)
        path = article_file_path(attachment, name)
        # Noted before writing: a write that breaks off (a client gone mid-upload, a full
        # disk) leaves a partial file under this random name, which the cleanup removes.
        stored.append(path)
        attachment.file.name = attachment.file.storage.save(path, f, max_length=255)
        stored.append(attachment.file.name)
        attachment.save()
        names.append(name)
    return names


def remove(article: Article, ids: Iterable[int], *, now: datetime) -> list[str]:
    """Take files off the article (kept for its history); unknown ids are refused."""
    ids = {int(pk) for pk in ids}
    if not ids:
        return []
    rows = list(ArticleAttachment.objects.filter(article=article, pk__in=ids,
                                                 removed_at__isnull=True))
    if len(rows) != len(ids):
        raise ValidationError({"remove": ["That file is not on this article any more."]})
    ArticleAttachment.objects.filter(pk__in=[r.pk for r in rows]).update(removed_at=now)
    return [r.original_name for r in rows]


def bring_back(article: Article, ids: Iterable[int], *, now: datetime) -> tuple[list, list]:
    """Make exactly the files `ids` current (a restored version): returns the names brought
    back and the names removed."""
    ids = set(ids)
    rows = list(ArticleAttachment.objects.filter(article=article))
    back = [r for r in rows if r.pk in ids and r.removed_at is not None]
    gone = [r for r in rows if r.pk not in ids and r.removed_at is None]
    ArticleAttachment.objects.filter(pk__in=[r.pk for r in back]).update(removed_at=None)
    ArticleAttachment.objects.filter(pk__in=[r.pk for r in gone]).update(removed_at=now)
    return [r.original_name for r in back], [r.original_name for r in gone]


def current_ids(article: Article) -> list[int]:
    return list(ArticleAttachment.objects.filter(article=article, removed_at__isnull=True)
                .order_by("pk").values_list("pk", flat=True))


def delete_files_on_commit(article: Article) -> None:
    """The stored files of an article being deleted, removed once the delete commits."""
    names = list(ArticleAttachment.objects.filter(article=article)
                 .values_list("file", flat=True))
    if names:
        transaction.on_commit(lambda: uploads.delete_stored(names))
