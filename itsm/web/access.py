"""Who may enter the desk pages of every app and who may act there.

Desk pages are for people who see every ticket (DSE, manager, admin: `sees_all_tickets`);
changes are for people who work them (DSE, admin: `is_agent`). Managers read everything
and change nothing. Anyone else gets a 403 with the decorator's message.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_GET, require_http_methods, require_POST


def _is_staff(user) -> bool:
    return user.sees_all_tickets


def _is_agent(user) -> bool:
    return user.is_agent


def _gate(view, *, methods: Callable, allowed: Callable, message: str):
    """The one gate: signed in, an allowed method, then `allowed(user)` or a 403."""

    @login_required
    @methods
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not allowed(request.user):
            raise PermissionDenied(message)
        return view(request, *args, **kwargs)

    return wrapper


def desk_page(view):
    """GET pages for people who see every ticket (DSE, manager, admin). Others get 403."""
    return _gate(view, methods=require_GET, allowed=_is_staff,
                 message="The desk is for support staff.")


def desk_action(view):
    """POSTs that change things: only for people who work tickets (managers only read)."""
    return _gate(view, methods=require_POST, allowed=_is_agent,
                 message="Only support engineers can change tickets.")


def desk_form_page(view):
    """A page with a form, GET to see it and POST to send it: support engineers only."""
    return _gate(view, methods=require_http_methods(["GET", "POST"]), allowed=_is_agent,
                 message="Only support engineers can do this.")


def desk_fragment(view):
    """htmx helpers of the desk forms (previews, extra rows): desk staff, GET or POST."""
    return _gate(view, methods=require_http_methods(["GET", "POST"]), allowed=_is_staff,
                 message="The maintenance desk is for support staff.")
