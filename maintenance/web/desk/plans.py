"""Maintenance plans on the desk: list, page, create/edit with a live preview, skip/move."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from itsm.filters import search_param
from itsm.models import Team
from itsm.web.access import desk_action, desk_form_page, desk_fragment, desk_page
from itsm.web.forms import add_service_errors, error_text
from itsm.web.paging import CappedPaginator
from maintenance import recurrence, selectors, services
from maintenance.models import MaintenancePlan, OccurrenceChange, PlanKind, PlanStep
from maintenance.web.desk.forms import (
    OccurrenceForm,
    PlanForm,
    RecurrenceForm,
    new_step_key,
    steps_for_plan,
    steps_from_post,
)

PAGE_SIZE = 25


def _bool(value: str):
    return {"1": True, "0": False}.get(value)


@desk_page
def plans(request):
    params = request.GET
    team_id = params.get("team") if (params.get("team") or "").isdigit() else None
    kind = params.get("kind") if params.get("kind") in PlanKind.values else None
    active = _bool(params.get("active", ""))
    q, refused = search_param(params)
    for message in refused:
        messages.warning(request, f"Search ignored: {message}")
    queryset = selectors.plans_for_list(team_id=team_id, kind=kind, active=active, q=q)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(params.get("page"))
    rows = list(page.object_list)
    compliance = selectors.compliance_counts([p.pk for p in rows])
    for plan in rows:
        plan.compliance = compliance.get(plan.pk, {}).get("percent")
        plan.rule_words = recurrence.describe(plan.rrule, plan.starts_on)
    return render(request, "maintenance/plans.html", {
        "plans": rows, "page": page, "teams": Team.objects.all(), "kinds": PlanKind.choices,
        "filters": {"team": team_id, "kind": kind, "active": params.get("active", ""), "q": q},
        "filtered": bool(team_id or kind or active is not None or q),
        "definition": selectors.ON_TIME_DEFINITION, "section": "plans",
    })


@desk_page
def plan_detail(request, pk):
    plan = get_object_or_404(
        MaintenancePlan.objects.select_related("team", "assignee", "created_by")
        .prefetch_related("services", "assets", "steps"), pk=pk)
    now = timezone.now()
    history = selectors.plan_history(plan, now=now).prefetch_related(
        Prefetch("changes", queryset=OccurrenceChange.objects.select_related("actor")))
    page = CappedPaginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.compliance_counts([plan.pk], now=now).get(plan.pk, {})
    schedule = plan.schedule()
    return render(request, "maintenance/plan.html", {
        "plan": plan, "schedule": schedule, "upcoming": selectors.plan_upcoming(plan, now=now),
        "history": page.object_list, "page": page, "counts": counts,
        "compliance": counts.get("percent"), "definition": selectors.ON_TIME_DEFINITION,
        "rule_words": recurrence.describe(plan.rrule, plan.starts_on),
        "caveats": recurrence.caveats(plan.rrule, plan.starts_on),
        "clock_caveat": schedule.clock_caveat(timezone.localdate(now)),
        "outcomes": selectors.Outcome, "can_work": request.user.is_agent, "now": now,
        "section": "plans",
    })


def _plan_form_page(request, plan: MaintenancePlan | None):
    editing = plan is not None
    plan = plan or MaintenancePlan()
    if request.method == "POST":
        form = PlanForm(request.POST, instance=plan if editing else None)
        rec = RecurrenceForm(request.POST)
        steps = steps_from_post(request.POST)
        if form.is_valid() and rec.is_valid():
            form.apply(plan, rec.cleaned_data)
            try:
                plan = services.plan_save(
                    plan=plan, actor=request.user, steps=steps,
                    assets=list(form.cleaned_data["assets"]),
                    services=list(form.cleaned_data["services"]))
            except ValidationError as error:
                add_service_errors(form, error)
                for field in ("rrule", "time_zone"):
                    if field in error.message_dict:
                        rec.add_error(None, error.message_dict[field])
            else:
                messages.success(request, f"Plan “{plan.title}” saved. Next occurrence: "
                                 + (_local(plan) or "none (paused or finished)") + ".")
                return redirect(plan.get_absolute_url())
        rows = steps or steps_for_plan(None)
        status = 400
    else:
        form = PlanForm(instance=plan if editing else None)
        today = timezone.localdate()
        rec = RecurrenceForm(initial=RecurrenceForm.initial_for(plan) if editing else {
            "starts_on": today, "at_time": "09:00",
            "weekdays": [recurrence.WEEKDAY_CODES[today.weekday()]],
            "time_zone": timezone.get_current_timezone_name()})
        rows = steps_for_plan(plan if editing else None)
        status = 200
    return render(request, "maintenance/plan_form.html", {
        "form": form, "rec": rec, "steps": rows, "plan": plan if editing else None,
        "section": "plans"}, status=status)


def _local(plan: MaintenancePlan) -> str:
    if not plan.next_occurrence_at:
        return ""
    moment = plan.next_occurrence_at.astimezone(plan.schedule().tz)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M %Z}"


@desk_form_page
def plan_new(request):
    return _plan_form_page(request, None)


@desk_form_page
def plan_edit(request, pk):
    plan = get_object_or_404(MaintenancePlan.objects.prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.order_by("position"))), pk=pk)
    return _plan_form_page(request, plan)


@desk_fragment
def plan_preview(request):
    """The next five occurrences of the rule being edited, before anything is saved."""
    rec = RecurrenceForm(request.POST or request.GET)
    context = {"rec": rec}
    if rec.is_valid():
        schedule = rec.schedule
        now = timezone.now()
        context.update({
            "moments": [schedule.local(m) for m in schedule.preview(now, 5)],
            "rule": rec.cleaned_data["rrule"], "zone": rec.cleaned_data["time_zone"],
            "rule_words": recurrence.describe(rec.cleaned_data["rrule"],
                                              rec.cleaned_data["starts_on"]),
            "caveats": recurrence.caveats(rec.cleaned_data["rrule"],
                                          rec.cleaned_data["starts_on"]),
            "clock_caveat": schedule.clock_caveat(timezone.localdate(now)),
        })
    return render(request, "maintenance/_preview.html", context)


@desk_fragment
def plan_step_row(request):
    return render(request, "maintenance/_step_row.html", {"step": {
        "key": new_step_key(), "text": "", "requires_note": False, "requires_result": False}})


@desk_action
def plan_active(request, pk):
    plan = get_object_or_404(MaintenancePlan, pk=pk)
    active = request.POST.get("active") == "1"
    plan = services.plan_set_active(plan=plan, active=active, actor=request.user)
    messages.success(request, f"“{plan.title}” resumed; next occurrence {_local(plan)}."
                     if active else f"“{plan.title}” paused: no new work items until resumed.")
    return redirect(plan.get_absolute_url())


def _occurrence_action(request, pk, *, move: bool):
    plan = get_object_or_404(MaintenancePlan, pk=pk)
    form = OccurrenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Could not change the occurrence: " + "; ".join(
            f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()))
        return redirect(plan.get_absolute_url())
    moment = form.cleaned_data["scheduled_for"]
    local = moment.astimezone(plan.schedule().tz)
    label = f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
    try:
        if move:
            to = form.moved_to(plan.schedule().tz)
            if to is None:
                raise ValidationError({"to": form.errors["to"]})
            services.occurrence_move(plan=plan, scheduled_for=moment, to=to, actor=request.user,
                                     reason=form.cleaned_data["reason"])
            new = to.astimezone(plan.schedule().tz)
            messages.success(request, f"The {label} occurrence moved to "
                                      f"{new:%a} {new.day} {new:%b %Y, %H:%M}.")
        else:
            services.occurrence_skip(plan=plan, scheduled_for=moment, actor=request.user,
                                     reason=form.cleaned_data["reason"])
            messages.success(request, f"The {label} occurrence is skipped.")
    except ValidationError as error:
        messages.error(request, f"Could not change the {label} occurrence: {error_text(error)}")
    return redirect(plan.get_absolute_url())


@desk_action
def occurrence_skip(request, pk):
    return _occurrence_action(request, pk, move=False)


@desk_action
def occurrence_move(request, pk):
    return _occurrence_action(request, pk, move=True)
