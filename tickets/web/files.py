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
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except OSError as error:  # the row outlived its file (restore, manual cleanup)
        raise Http404("This file is no longer available.") from error
    response = FileResponse(handle, as_attachment=not attachment.is_image,
                            filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # Private user content: no browser or proxy keeps a copy (a shared or later session
    # must not find it in a cache).
    response["Cache-Control"] = "private, no-store"
    return response
