"""Article file downloads, for anyone who may read the article: the help centre's visitors
(anonymous ones get public articles' files), signed-in users, and API callers with a token.

The response is the one ticket files get (tickets.web.files): nosniff, a sandboxing CSP,
no caching, and Content-Disposition: attachment for anything not an image.
"""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from rest_framework.exceptions import AuthenticationFailed

from itsm.api.auth_token import ApiTokenAuthentication
from knowledge import selectors
from tickets.web.files import file_response


def _caller(request):
    # The API lists files with this URL as their download link, so a script's token works
    # here as it does under /api/ (the page itself needs no token).
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" not in request.META:
        return request.user
    found = ApiTokenAuthentication().authenticate(request)
    return found[0] if found else request.user


@require_safe
def download(request, pk: int):
    try:
        user = _caller(request)
    except AuthenticationFailed as error:
        return HttpResponse(str(error.detail), status=401, content_type="text/plain")
    attachment = selectors.get_visible_attachment(user, pk)
    if attachment is None:
        raise Http404
    return file_response(attachment.file, name=attachment.original_name,
                         content_type=attachment.content_type, inline=attachment.is_image)
