"""Maintenance windows: the desk's list and form, and the page end users see."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from itsm.web.maintenance_access import add_errors, desk_action, desk_form, desk_page
from itsm.web.paging import CappedPaginator
from maintenance import selectors, services
from maintenance.models import MaintenanceWindow
from maintenance.web.desk.forms import WindowForm

PUBLIC_DAYS = 30


@desk_page
def windows(request):
    now = timezone.now()
    past = request.GET.get("when") == "past"
    queryset = (MaintenanceWindow.objects.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
                if past else MaintenanceWindow.objects.filter(ends_at__gt=now)
                .order_by("starts_at", "pk"))
    queryset = queryset.select_related("ticket", "occurrence__plan", "created_by") \
        .prefetch_related("services", "assets")
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "maintenance/windows.html", {
        "windows": page.object_list, "page": page, "past": past, "now": now,
        "can_work": request.user.is_agent, "section": "windows"})


def _window_form(request, window: MaintenanceWindow | None):
    if request.method == "POST":
        form = WindowForm(request.POST, instance=window)
        if form.is_valid():
            obj = form.save(commit=False)
            try:
                services.window_save(window=obj, actor=request.user,
                                     services=list(form.cleaned_data["services"]),
                                     assets=list(form.cleaned_data["assets"]))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"Window “{obj.reason}” saved.")
                return redirect("maintenance:windows")
        status = 400
    else:
        start = (timezone.localtime() + timedelta(days=1)).replace(hour=22, minute=0, second=0,
                                                                   microsecond=0)
        form = WindowForm(instance=window, initial=None if window else {
            "starts_at": start, "ends_at": start + timedelta(hours=2)})
        status = 200
    return render(request, "maintenance/window_form.html", {
        "form": form, "window": window, "section": "windows"}, status=status)


@desk_form
def window_new(request):
    return _window_form(request, None)


@desk_form
def window_edit(request, pk):
    return _window_form(request, get_object_or_404(MaintenanceWindow, pk=pk))


@desk_action
def window_delete(request, pk):
    window = get_object_or_404(MaintenanceWindow, pk=pk)
    services.window_delete(window=window, actor=request.user)
    messages.success(request, f"Window “{window.reason}” deleted.")
    return redirect(reverse("maintenance:windows"))


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
