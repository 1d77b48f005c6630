"""Attachment downloads: only through this view, which checks visibility first."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from tickets import selectors

# Served files are user content: never let a browser run it as a page of ours. The CSP
# middleware leaves an existing header alone, so this one wins over the site policy.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@login_required
@require_safe
def download(request, pk: int):
    attachment = selectors.get_visible_attachment(request.user, pk)
    return file_response(attachment.file, name=attachment.original_name,
                         content_type=attachment.content_type, inline=attachment.is_image)


def file_response(stored, *, name: str, content_type: str, inline: bool) -> FileResponse:
    """A stored upload as an inert download (the knowledge base serves its files with it)."""
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError as error:  # the row outlived its file (restore, manual cleanup)
        raise Http404("This file is no longer available.") from error
    response = FileResponse(handle, as_attachment=not inline, filename=name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # Private user content: no browser or proxy keeps a copy (a shared or later session
    # must not find it in a cache).
    response["Cache-Control"] = "private, no-store"
    return response
