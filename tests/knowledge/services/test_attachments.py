"""Files on articles: each change is a version, restore brings files back, bad files refuse
the whole save and leave nothing stored."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.models import Article, ArticleAttachment, Audience, Confidence
from knowledge.services.attachments import MAX_PER_ARTICLE
from tests.knowledge.conftest import make_article, upload
from tests.tickets.web.portal.helpers import png_bytes

pytestmark = pytest.mark.django_db


def current(article) -> list[str]:
    return sorted(ArticleAttachment.objects.filter(article=article, removed_at__isnull=True)
                  .values_list("original_name", flat=True))


def test_files_come_with_the_first_version_under_random_names(dee, stored_files):
    article = services.article_create(
        actor=dee, article=Article(title="Reset the VPN client", audience=Audience.INTERNAL),
        files=[upload("reset.ps1.txt"), upload("shot.png", png_bytes())])
    files = {f.original_name: f for f in article.attachments.all()}
    assert set(files) == {"reset.ps1.txt", "shot.png"}
    assert files["shot.png"].is_image and files["shot.png"].content_type == "image/png"
    assert files["reset.ps1.txt"].uploaded_by == dee and files["reset.ps1.txt"].size == 22
    assert all("shot" not in path and "reset" not in path for path in stored_files())
    assert len(stored_files()) == 2
    first = article.versions.get()
    assert first.note == "created; attached reset.ps1.txt, shot.png"
    assert first.attachment_ids == sorted(f.pk for f in files.values())


def test_adding_and_removing_are_versions_named_in_the_history(dee):
    article = make_article(dee)
    services.article_attachments_add(actor=dee, article=article, files=[upload("a.txt")])
    gone = article.attachments.get()
    services.article_attachments_add(actor=dee, article=article, files=[upload("b.txt")])
    services.article_attachment_remove(actor=dee, article=article, attachment=gone)
    notes = list(article.versions.order_by("number").values_list("note", flat=True))
    assert notes == ["created", "attached a.txt", "attached b.txt", "removed a.txt"]
    assert current(article) == ["b.txt"]
    gone.refresh_from_db()
    assert gone.removed_at is not None  # kept: version 2 still shows it


def test_restoring_a_version_brings_back_its_files_and_drops_later_ones(dee, stored_files):
    article = make_article(dee)
    services.article_attachments_add(actor=dee, article=article, files=[upload("old.txt")])
    old = article.attachments.get()
    article.resolution = "A new way."
    services.article_update(actor=dee, article=article, files=[upload("new.txt")],
                            remove=[old.pk])
    assert current(article) == ["new.txt"]
    restored = services.article_restore(actor=dee, article=article, number=2)
    assert current(article) == ["old.txt"]
    latest = restored.versions.order_by("-number").first()
    assert latest.note == "restored version 2; brought back old.txt; removed new.txt"
    assert latest.attachment_ids == [old.pk]
    assert len(stored_files()) == 2  # nothing deleted: version 3 can be restored too
    services.article_restore(actor=dee, article=article, number=1)
    assert current(article) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("payload.exe", b"MZ", "not accepted"),
    ("empty.txt", b"", "is empty"),
])
def test_a_bad_file_refuses_the_save_and_stores_nothing(dee, stored_files, name, content,
                                                        message):
    article = make_article(dee)
    article.title = "Changed title"
    with pytest.raises(ValidationError) as error:
        services.article_update(actor=dee, article=article,
                                files=[upload("fine.txt"), upload(name, content)])
    assert message in " ".join(error.value.message_dict["files"])
    assert stored_files() == []
    article.refresh_from_db()
    assert (article.title, article.version) == ("Outlook keeps asking for your password", 1)


def test_a_file_over_the_size_limit_is_refused(dee, settings, stored_files):
    settings.TEND_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as error:
        services.article_create(actor=dee, article=Article(title="Big"),
                                files=[upload("big.txt", b"x" * 11)])
    assert "the limit is" in error.value.message_dict["files"][0]
    assert stored_files() == [] and not Article.objects.exists()


def test_a_refused_save_keeps_only_the_files_that_were_there(dee, alice, stored_files):
    article = make_article(dee)
    not_mine = make_article(dee, title="Other")
    services.article_attachments_add(actor=dee, article=not_mine, files=[upload("x.txt")])
    before = stored_files()
    with pytest.raises(ValidationError):  # a file of another article
        services.article_update(actor=dee, article=article, files=[upload("y.txt")],
                                remove=[not_mine.attachments.get().pk])
    with pytest.raises(ValidationError):  # a stale edit
        services.article_update(actor=dee, article=article, files=[upload("z.txt")],
                                version=0)
    with pytest.raises(PermissionDenied):  # an end user
        services.article_attachments_add(actor=alice, article=article, files=[upload()])
    assert stored_files() == before and article.attachments.count() == 0


class BrokenUpload(SimpleUploadedFile):
    """An upload whose body breaks off while it is read (the browser went away)."""

    def chunks(self, chunk_size=None):
        yield b"half of it"
        raise OSError("connection reset while reading the upload")


def test_a_file_failing_midway_deletes_the_files_stored_before_it(dee, stored_files):
    article = make_article(dee)
    broken = BrokenUpload("second.txt", b"half of it and the rest")
    with pytest.raises(OSError):
        services.article_attachments_add(actor=dee, article=article,
                                         files=[upload("first.txt"), broken])
    assert stored_files() == []
    assert article.attachments.count() == 0 and article.versions.count() == 1


def test_an_article_holds_a_bounded_number_of_files(dee):
    article = make_article(dee, audience=Audience.INTERNAL, confidence=Confidence.DRAFT)
    for start in range(0, MAX_PER_ARTICLE, 10):
        services.article_attachments_add(
            actor=dee, article=article,
            files=[upload(f"f{n}.txt") for n in range(start, min(start + 10, MAX_PER_ARTICLE))])
    with pytest.raises(ValidationError, match="at most"):
        services.article_attachments_add(actor=dee, article=article, files=[upload()])
    # Taking one off in the same save makes room.
    services.article_update(actor=dee, article=article, files=[upload("last.txt")],
                            remove=[article.attachments.first().pk])


def test_deleting_the_article_deletes_its_files_once_committed(
        dee, stored_files, django_capture_on_commit_callbacks):
    article = make_article(dee)
    services.article_attachments_add(actor=dee, article=article, files=[upload()])
    services.article_attachment_remove(actor=dee, article=article,
                                       attachment=article.attachments.get())
    services.article_attachments_add(actor=dee, article=article, files=[upload("b.txt")])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_delete(actor=dee, article=article)
    assert stored_files() == [] and not ArticleAttachment.objects.exists()
