"""Planned maintenance as end users see it: /maintenance/, for every signed-in user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from maintenance import selectors

PUBLIC_DAYS = 30
# Session key: the windows whose banner this user dismissed (each stays on /maintenance/).
DISMISSED = "maintenance_banner_dismissed"
DISMISSED_KEEP = 50


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


@login_required
@require_POST
def banner_dismiss(request):
    """Hide the banner of the windows shown, for this session; a new window shows again."""
    ids = [int(v) for v in request.POST.getlist("window") if v.isdigit() and len(v) <= 18]
    kept = [pk for pk in request.session.get(DISMISSED, []) if pk not in ids]
    request.session[DISMISSED] = (kept + ids)[-DISMISSED_KEEP:]
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)
