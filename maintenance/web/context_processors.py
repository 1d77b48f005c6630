"""The planned-maintenance banner for every page: `{{ maintenance_banner }}` in base.html.

A context processor (listed in settings) rather than a template tag, so the shared base
template loads nothing from maintenance. The banner is rendered only when a page prints
it, so fragments and pages without base.html pay no query.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from maintenance import selectors


class Banner:
    """Renders maintenance/_banner.html for `user` on first use (str), then reuses it."""

    def __init__(self, user):
        self.user = user
        self._html = None

    def __str__(self) -> str:
        if self._html is None:
            self._html = render_to_string("maintenance/_banner.html", banner_context(self.user))
        return self._html


def banner_context(user) -> dict:
    if user is None or not user.is_authenticated:
        return {"maintenance_windows": []}
    now = timezone.now()
    windows = selectors.banner_windows(user, now=now)
    for window in windows:
        window.user_services = selectors.window_services(window)
    return {"maintenance_windows": windows, "now": now}


def banner(request) -> dict:
    return {"maintenance_banner": Banner(getattr(request, "user", None))}
