"""Upload checks and storage for attachments. Nothing is stored before every file passed."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Not every system's MIME table knows these; logs should open as text.
mimetypes.add_type("text/plain", ".log")

MAX_FILES = 10
SAFE_NAME_CHARS = 255


def content_type_for(name: str) -> str:
    # Decided by us from the extension, never taken from the client's header.
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def validate_files(files, *, field: str = "files") -> None:
    errors = []
    if len(files) > MAX_FILES:
        errors.append(f"At most {MAX_FILES} files at once.")
    for f in files:
        name = PurePath(f.name or "").name
        ext = PurePath(name).suffix.lower().lstrip(".")
        if ext not in settings.TEND_UPLOAD_EXTENSIONS:
            allowed = ", ".join(settings.TEND_UPLOAD_EXTENSIONS)
            errors.append(f"“{name}”: files of type .{ext or '?'} are not accepted "
                          f"(allowed: {allowed}).")
        if f.size > settings.TEND_UPLOAD_MAX_BYTES:
            errors.append(f"“{name}” is {filesizeformat(f.size)}; the limit is "
                          f"{filesizeformat(settings.TEND_UPLOAD_MAX_BYTES)}.")
        if f.size == 0:
            errors.append(f"“{name}” is empty.")
    if errors:
        raise ValidationError({field: errors})


def display_name(name: str) -> str:
    # Keep what the user called it for display (escaped by templates), minus any path.
    return PurePath((name or "file").replace("\\", "/")).name[:SAFE_NAME_CHARS] or "file"


def delete_stored(paths) -> None:
    from django.core.files.storage import default_storage

    for path in paths:
        default_storage.delete(path)
