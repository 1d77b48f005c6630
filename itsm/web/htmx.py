"""htmx plumbing shared by the desk pages: whether a request wants a fragment, and the
status an htmx answer with form errors needs."""


def is_htmx(request) -> bool:
    # Boosted links and history restores (back button, cache miss) need the whole page;
    # only explicit hx-get/hx-post want fragments.
    headers = request.headers
    return (headers.get("HX-Request") == "true" and not headers.get("HX-Boosted")
            and not headers.get("HX-History-Restore-Request"))


def error_status(request, status: int = 400) -> int:
    """The status of a page re-rendered with errors: `status` for a browser, 200 for htmx,
    which swaps only successful answers into the page."""
    return 200 if is_htmx(request) else status
