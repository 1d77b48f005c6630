"""Planned maintenance as end users see it: /maintenance/, for every signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from maintenance import selectors

PUBLIC_DAYS = 30


@login_required
@require_GET
def public_windows(request):
    """Planned maintenance for signed-in users: current and the next 30 days."""
    now = timezone.now()
    mine = None if request.user.sees_all_tickets else selectors.user_service_ids(request.user)
    rows = list(selectors.windows_for_users(None, now=now, days=PUBLIC_DAYS))
    for window in rows:
        window.user_services = selectors.window_services(window)
        window.affects_me = mine is None or any(s.pk in mine for s in window.user_services)
    rows.sort(key=lambda w: (not w.affects_me, w.starts_at))
    return render(request, "maintenance/public_windows.html", {
        "windows": rows, "now": now, "days": PUBLIC_DAYS, "personal": mine is not None})
