"""The planned-maintenance banner for every page: `{{ maintenance_banner }}` in base.html.

A context processor (listed in settings) rather than a template tag, so the shared base
template loads nothing from maintenance. The banner is rendered only when a page prints
it, so fragments and pages without base.html pay no query.
"""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from maintenance import selectors
from maintenance.web.portal.views import DISMISSED


class Banner:
    """Renders maintenance/_banner.html for the request's user on first use (str), then
    reuses it. Windows the user dismissed this session are left out."""

    def __init__(self, request):
        self.request = request
        self._html = None

    def __str__(self) -> str:
        if self._html is None:
            request = self.request
            context = banner_context(getattr(request, "user", None),
                                     dismissed=_dismissed(request))
            if context["maintenance_windows"]:
                context.update(csrf_token=get_token(request), next=request.get_full_path())
            self._html = render_to_string("maintenance/_banner.html", context)
        return self._html


def _dismissed(request) -> set[int]:
    session = getattr(request, "session", None)
    return set(session.get(DISMISSED, [])) if session is not None else set()


def banner_context(user, dismissed: set[int] = frozenset()) -> dict:
    if user is None or not user.is_authenticated:
        return {"maintenance_windows": []}
    now = timezone.now()
    windows = [w for w in selectors.banner_windows(user, now=now) if w.pk not in dismissed]
    for window in windows:
        window.user_services = selectors.window_services(window)
    return {"maintenance_windows": windows, "now": now}


def banner(request) -> dict:
    return {"maintenance_banner": Banner(request)}
