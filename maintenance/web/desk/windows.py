"""Maintenance windows on the desk: the list, the form, delete. End users' page: web/portal."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from itsm.web.access import desk_action, desk_form_page, desk_page
from itsm.web.forms import add_service_errors
from itsm.web.paging import CappedPaginator
from maintenance import services
from maintenance.models import MaintenanceWindow
from maintenance.web.desk.forms import WindowForm


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
                add_service_errors(form, error)
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


@desk_form_page
def window_new(request):
    return _window_form(request, None)


@desk_form_page
def window_edit(request, pk):
    return _window_form(request, get_object_or_404(MaintenanceWindow, pk=pk))


@desk_action
def window_delete(request, pk):
    window = get_object_or_404(MaintenanceWindow, pk=pk)
    services.window_delete(window=window, actor=request.user)
    messages.success(request, f"Window “{window.reason}” deleted.")
    return redirect(reverse("maintenance:windows"))
