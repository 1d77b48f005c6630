"""Error responses, in one place: JSON `{"detail": …}` under /api/, styled pages elsewhere.

Django's handler400/403/404/500 (set in itsm/config/urls.py) and the database-outage
middleware all answer through `error_response`, so an /api/ client never sees an HTML page
and a person never sees JSON. While the database is unreachable (a Postgres restart) every
request gets a 503 with `Retry-After` instead of a 500.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.utils.log import log_response

logger = logging.getLogger("itsm.errors")

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)

MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "A server error occurred.",
    503: "Tend is briefly unavailable: the database cannot be reached. Try again shortly.",
}
TITLES = {400: "Bad request", 403: "Not allowed", 404: "Page not found",
          500: "Something went wrong", 503: "Tend is briefly unavailable"}


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def database_unavailable_detail() -> dict:
    return {"detail": MESSAGES[503]}


def _page(request, status: int, message: str) -> HttpResponse:
    """The styled template (templates/<status>.html); a plain page if it cannot render.

    A 503 or 500 renders without the request: the context processors would read the
    session and the user, i.e. the database that may be the very thing that failed.
    """
    context = {"status": status, "title": TITLES[status], "message": message,
               "exception": message}
    try:
        body = loader.render_to_string(f"{status}.html", context,
                                       request=None if status >= 500 else request)
    except Exception:  # noqa: BLE001 - the error page must never raise in turn
        body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{TITLES[status]} · Tend</title></head><body><main><h1>"
                f"{TITLES[status]}</h1><p>{escape(message)}</p></main></body></html>")
    return HttpResponse(body, status=status)


def error_response(request, status: int, message: str | None = None) -> HttpResponse:
    message = message or MESSAGES[status]
    if is_api(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = _page(request, status, message)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _message(exception) -> str | None:
    text = str(exception) if exception is not None else ""
    # Django's own Resolver404 carries a dict of tried patterns, not a message for people.
    if not text or text.startswith("{"):
        return None
    return text


def handler400(request, exception=None):
    return error_response(request, 400, _message(exception))


def handler403(request, exception=None):
    response = error_response(request, 403, _message(exception))
    # A refusal is ordinary, not a fault: one line. Django would log a PermissionDenied with
    # its whole traceback; it logs no response already marked logged, as this one now is.
    log_response("Forbidden (Permission denied): %s", request.path, response=response,
                 request=request)
    return response


def handler404(request, exception=None):
    return error_response(request, 404, None if is_api(request) else _message(exception))


def handler500(request):
    # Called inside Django's except block: an unreachable database is a 503, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return error_response(request, 503)
    return error_response(request, 500)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 + Retry-After (also under DEBUG)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            return error_response(request, 503)
        return None
