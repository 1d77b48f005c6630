"""Who may enter the maintenance desk pages and who may change things.

Desk pages need `tickets.view_all_tickets` (DSE, manager, admin); changes need
`tickets.work_ticket` (DSE, admin). Managers read everything and change nothing.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.views.decorators.http import require_http_methods

# The same gates as the ticket desk: one definition of who may see and who may change.
from itsm.web.access import desk_action, desk_page, is_htmx
from itsm.web.access import desk_form_page as desk_form

__all__ = ["add_errors", "desk_action", "desk_form", "desk_fragment", "desk_page", "is_htmx"]


def desk_fragment(view):
    """htmx helpers of the desk forms (previews, extra rows): desk staff, GET or POST."""

    @login_required
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.sees_all_tickets:
            raise PermissionDenied("The maintenance desk is for support staff.")
        return view(request, *args, **kwargs)

    return wrapper


def add_errors(form, error: ValidationError, *, fallback: str | None = None) -> None:
    """Show a service's ValidationError on the form: on its field if the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(fallback, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else fallback, messages)


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)
