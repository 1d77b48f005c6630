"""What every desk view shares: who may enter, who may act, and htmx plumbing.

The pages themselves live in desk_queue.py (queues, bulk actions) and desk_ticket.py
(one ticket's workspace, its actions, and filing a ticket for a caller).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.views.decorators.http import require_GET, require_http_methods, require_POST


def is_htmx(request) -> bool:
    # Boosted links and history restores (back button, cache miss) need the whole page;
    # only explicit hx-get/hx-post want fragments.
    headers = request.headers
    return (headers.get("HX-Request") == "true" and not headers.get("HX-Boosted")
            and not headers.get("HX-History-Restore-Request"))


def desk_page(view):
    """GET pages for people who see every ticket (DSE, manager, admin). Others get 403."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.sees_all_tickets:
            raise PermissionDenied("The desk is for support staff.")
        return view(request, *args, **kwargs)

    return wrapper


def desk_action(view):
    """POSTs that change tickets: only for people who work them (managers only read)."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise PermissionDenied("Only support engineers can change tickets.")
        return view(request, *args, **kwargs)

    return wrapper


def desk_form_page(view):
    """A page with a form: GET to see it (desk staff), POST to send it (agents)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise PermissionDenied("Only support engineers can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field if the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)
