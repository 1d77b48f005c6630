"""Writing articles: create, update, restore a version, delete. Every save writes a version.

Rules (knowledge.rules): writing needs knowledge.write_article; an article whose audience is
customers or public, or whose confidence is validated, needs knowledge.publish_article too.
Bad input raises ValidationError with field → messages; a stale edit names `version`.
Files come with a save (`files` to add, `remove` to take off) and are named in its version's
note; a bad file refuses the whole save and leaves no stored file behind.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, Service, User
from knowledge import rules, text
from knowledge.models import Article, ArticleAttachment, ArticleVersion, Audience, Confidence
from knowledge.services import attachments
from tickets.models import Category
from tickets.services.changes import with_files

SNAPSHOT = ("title", "symptoms", "cause", "resolution", "audience", "confidence",
            "category_id", "asset_kinds", "owner_id", "review_at")


def article_errors(article: Article) -> dict[str, list[str]]:
    """Field → messages for an article about to be saved (nothing is written)."""
    errors: dict[str, list[str]] = {}
    article.title = (article.title or "").strip()
    if not article.title:
        errors["title"] = ["Give the article a title."]
    elif len(article.title) > 200:
        errors["title"] = ["Keep the title under 200 characters."]
    if article.audience not in Audience.values:
        errors["audience"] = [f"Unknown audience “{article.audience}”."]
    if article.confidence not in Confidence.values:
        errors["confidence"] = [f"Unknown confidence “{article.confidence}”."]
    elif article.confidence != Confidence.DRAFT and not (article.resolution or "").strip():
        errors["resolution"] = ["Only a draft may go without a resolution or workaround."]
    kinds = article.asset_kinds
    if not isinstance(kinds, list) or any(k not in Asset.Kind.values for k in kinds):
        errors["asset_kinds"] = [f"Asset kinds are among: {', '.join(Asset.Kind.values)}."]
    owner = article.owner if article.owner_id else None
    if owner is not None and not (owner.is_active and rules.can_write(owner)):
        errors["owner"] = [f"{owner} cannot write articles, so cannot own one."]
    return errors


def _check_rights(actor: User | None, article: Article) -> None:
    if not rules.can_write(actor):
        raise PermissionDenied("Only support engineers and admins write articles.")
    shown = article.audience != Audience.INTERNAL or article.confidence == Confidence.VALIDATED
    if shown and not rules.can_publish(actor):
        raise PermissionDenied("Publishing for customers or validating an article needs a "
                               "DSE or an admin.")


def _snapshot(article: Article, actor: User | None, now: datetime, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article, number=article.version, by=actor, at=now, note=note[:200],
        service_ids=sorted(article.services.values_list("pk", flat=True)),
        attachment_ids=attachments.current_ids(article),
        **{name: getattr(article, name) for name in SNAPSHOT})


def _note(note: str, added: list[str], back: list[str], removed: list[str]) -> str:
    parts = [note] if note else []
    for verb, names in (("attached", added), ("brought back", back), ("removed", removed)):
        if names:
            parts.append(f"{verb} {', '.join(names)}")
    return "; ".join(parts)


def _save(article: Article, actor: User | None, services: Iterable[Service] | None,
          now: datetime, note: str, stored: list[str], files: Sequence = (),
          remove: Iterable[int] = (), keep: Iterable[int] | None = None) -> Article:
    errors = article_errors(article)
    if errors:
        raise ValidationError(errors)
    _check_rights(actor, article)
    article.asset_kinds = sorted(set(article.asset_kinds))
    article.codes = " ".join(text.codes(article.title, article.symptoms, article.cause,
                                        article.resolution))
    article.updated_at = now
    article.version += 1
    article.save()
    if services is not None:
        article.services.set(list(services))
    back, removed = ([], attachments.remove(article, remove, now=now)) if keep is None \
        else attachments.bring_back(article, keep, now=now)
    added = attachments.store(article, actor, files, stored, now=now)
    _snapshot(article, actor, now, _note(note, added, back, removed))
    return article


def article_create(*, actor: User | None, article: Article,
                   services: Iterable[Service] = (), files: Sequence = (),
                   now: datetime | None = None) -> Article:
    """Save the unsaved `article` (built by a form or serializer) as version 1, with `files`."""
    now = now or timezone.now()
    if article.pk is not None:
        raise ValueError("article_create takes an unsaved article; use article_update")
    attachments.check_files(None, files)
    article.created_by = actor if actor is not None and actor.is_authenticated else None
    article.created_at = now
    article.version = 0
    if article.owner_id is None and rules.can_write(actor):
        article.owner = actor
    return with_files(lambda stored: _save(article, actor, services, now, "created", stored,
                                           files=files))


def article_update(*, actor: User | None, article: Article,
                   services: Iterable[Service] | None = None, version: int | None = None,
                   files: Sequence = (), remove: Iterable[int] = (), note: str = "",
                   now: datetime | None = None) -> Article:
    """Save the changes made to `article` as a new version. `services=None` keeps them;
    `version`, if given, is the version the editor started from: a newer one refuses.
    `files` are added and the attachments with ids in `remove` taken off, in that version."""
    now = now or timezone.now()
    remove = [int(pk) for pk in remove]
    attachments.check_files(article, files, removing=len(set(remove)))
    return with_files(lambda stored: _update(article, actor, services, version, note, now,
                                             stored, files=files, remove=remove))


def _update(article: Article, actor: User | None, services, version: int | None, note: str,
            now: datetime, stored: list[str], **changes) -> Article:
    stored_row = Article.objects.select_for_update().only("version").get(pk=article.pk)
    if version is not None and version != stored_row.version:
        raise ValidationError({"version": [
            f"Someone saved version {stored_row.version} while you edited version {version}; "
            "reload to see their changes."]})
    article.version = stored_row.version
    return _save(article, actor, services, now, note, stored, **changes)


def article_attachments_add(*, actor: User | None, article: Article, files: Sequence,
                            now: datetime | None = None) -> list[ArticleAttachment]:
    """Attach `files` to `article` as a new version; returns the new attachments."""
    if not files:
        raise ValidationError({"files": ["Choose at least one file."]})
    before = set(attachments.current_ids(article))
    article_update(actor=actor, article=article, files=files, now=now)
    return list(ArticleAttachment.objects.filter(article=article, removed_at__isnull=True)
                .exclude(pk__in=before).select_related("uploaded_by"))


def article_attachment_remove(*, actor: User | None, article: Article,
                              attachment: ArticleAttachment,
                              now: datetime | None = None) -> Article:
    """Take one file off `article` as a new version (older versions keep it)."""
    return article_update(actor=actor, article=article, remove=[attachment.pk], now=now)


@transaction.atomic
def article_restore(*, actor: User | None, article: Article, number: int,
                    now: datetime | None = None) -> Article:
    """Make version `number` the current text, settings and files again, as a new version."""
    now = now or timezone.now()
    old = article.versions.filter(number=number).first()
    if old is None:
        raise ValidationError({"version": [f"This article has no version {number}."]})
    for name in SNAPSHOT:
        if not name.endswith("_id"):
            setattr(article, name, getattr(old, name))
    # Rows deleted since are dropped rather than restored as dangling references.
    article.category = Category.objects.filter(pk=old.category_id).first() \
        if old.category_id else None
    article.owner = User.objects.filter(pk=old.owner_id, is_active=True).first() \
        if old.owner_id else None
    services = Service.objects.filter(pk__in=old.service_ids)
    return _update(article, actor, services, None, f"restored version {number}", now, [],
                   keep=old.attachment_ids)


@transaction.atomic
def article_delete(*, actor: User | None, article: Article) -> None:
    """Delete an article with its versions, files, feedback and links (archiving keeps
    them). The stored files go once the delete has committed."""
    _check_rights(actor, article)
    attachments.delete_files_on_commit(article)
    article.delete()
