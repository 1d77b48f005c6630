"""The monitoring board, a check's page, its form, and the buttons on it.

Seeing: anyone who sees the desk (DSE, manager, admin). Changing: DSEs and admins.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from itsm.models import Service, Team
from itsm.web.access import desk_action, desk_form_page, desk_page
from itsm.web.forms import add_service_errors, error_text
from itsm.web.htmx import is_htmx
from itsm.web.paging import CappedPaginator
from monitoring import chart_data, selectors, services
from monitoring.models import Check, Kind, State
from monitoring.web.desk.forms import CheckForm, FilterForm

PAGE_SIZE = 100


@desk_page
def board(request):
    form = FilterForm(request.GET or None)
    form.is_valid()  # a refused field (say, NUL in the search) is reported, the rest apply
    chosen = form.cleaned_data if form.is_bound else {}
    checks = selectors.board_checks(
        q=chosen.get("q", ""), states=chosen.get("state") or (), kinds=chosen.get("kind") or (),
        team=getattr(chosen.get("team"), "pk", None),
        service=getattr(chosen.get("service"), "pk", None))
    page = CappedPaginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(chosen.get(k) for k in ("q", "state", "kind", "team", "service"))
    context = {
        "page": page, "rows": selectors.board_page(list(page.object_list)),
        "counts": selectors.state_counts(), "filtered": filtered,
        "chosen": {"q": chosen.get("q", ""), "state": chosen.get("state") or [],
                   "kind": chosen.get("kind") or [],
                   "team": str(getattr(chosen.get("team"), "pk", "")),
                   "service": str(getattr(chosen.get("service"), "pk", ""))},
        "state_choices": State.choices, "kind_choices": Kind.choices,
        "can_work": request.user.is_agent,
        "filter_errors": form.errors if form.is_bound else {},
    }
    if is_htmx(request):
        return render(request, "monitoring/_board_table.html", context)
    context["teams"] = Team.objects.only("name")
    context["services"] = Service.objects.filter(is_active=True).only("name")
    return render(request, "monitoring/board.html", context)


@desk_page
def check_detail(request, pk: int):
    check = get_object_or_404(Check.objects.select_related(
        "service", "asset", "team", "open_incident__ticket", "renewal_ticket"), pk=pk)
    now = timezone.now()
    chart = chart_data.latency_chart(selectors.latency_points(check, now=now))
    return render(request, "monitoring/check.html", {
        "check": check, "chart": chart,
        "hours": selectors.hourly([check.pk], now=now)[check.pk],
        "days": selectors.daily([check.pk], now=now)[check.pk],
        "results": selectors.recent_results(check),
        "changes": selectors.state_changes(check),
        "incidents": selectors.check_incidents(check),
        "availability": selectors.check_availability(
            [check.pk], now - timezone.timedelta(days=30), now).get(check.pk),
        "ping_url": request.build_absolute_uri(reverse("monitoring:ping", args=[check.uuid]))
        if check.kind == Kind.HEARTBEAT else "",
        "can_work": request.user.is_agent,
    })


def _form_page(request, check: Check | None):
    form = CheckForm(request.POST or None, instance=check)
    if request.method == "POST" and form.is_valid():
        try:
            if check is None:
                check = services.check_create(actor=request.user, **form.cleaned_data)
                messages.success(request, f"Check “{check.name}” created. Its first run is "
                                          "scheduled.")
            else:
                check = services.check_update(check=check, actor=request.user,
                                              **form.cleaned_data)
                messages.success(request, f"Check “{check.name}” saved.")
            return redirect(check)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "monitoring/check_form.html", {"form": form, "check": check})


@desk_form_page
def check_new(request):
    return _form_page(request, None)


@desk_form_page
def check_edit(request, pk: int):
    return _form_page(request, get_object_or_404(Check, pk=pk))


@desk_action
def check_pause(request, pk: int):
    check = services.check_pause(check=get_object_or_404(Check, pk=pk), actor=request.user)
    messages.success(request, f"“{check.name}” is paused: it will not run or open incidents.")
    return redirect(check)


@desk_action
def check_resume(request, pk: int):
    check = services.check_resume(check=get_object_or_404(Check, pk=pk), actor=request.user)
    messages.success(request, f"“{check.name}” is running again.")
    return redirect(check)


@desk_action
def check_delete(request, pk: int):
    check = get_object_or_404(Check, pk=pk)
    services.check_delete(check=check, actor=request.user)
    messages.success(request, f"Check “{check.name}” deleted. Its incidents stay on the desk.")
    return redirect("monitoring:board")


@desk_action
def check_test(request, pk: int):
    check = get_object_or_404(Check, pk=pk)
    try:
        result = services.check_test(check=check, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(check)
    context = {"check": check, "result": result}
    if is_htmx(request):
        return render(request, "monitoring/_test_result.html", context)
    if result is None:
        messages.info(request, "A heartbeat has nothing to run: it waits for pings.")
    else:
        level = messages.success if result.outcome == "up" else messages.warning
        level(request, f"Test run: {result.outcome} — {result.message}")
    return redirect(check)
