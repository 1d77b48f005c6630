"""Working a checklist on the desk: the panel on a work item's page and its actions.

Each action is a plain POST that redirects back to the ticket page; htmx posts the same
forms and swaps the panel, with the page's header and timeline out of band. The desk
ticket page includes the panel through the panel registry (tickets/web/desk/panels.py;
maintenance/apps.py registers it). The writes are maintenance.services.work.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from itsm.web.access import desk_action, desk_page
from itsm.web.forms import error_text
from itsm.web.htmx import is_htmx
from maintenance import services
from maintenance.models import Occurrence, StepIncident
from maintenance.web.desk.forms import StepForm
from tickets import services as tickets
from tickets.models import ChecklistItem, Kind, Status, Ticket
from tickets.selectors import get_visible_ticket
from tickets.web.desk.ticket import workspace_context


def panel_context(user, ticket: Ticket, **extra) -> dict:
    items = list(ticket.checklist.select_related("done_by", "maintenance_incident__incident")
                 .order_by("position"))
    occurrence = (Occurrence.objects.select_related("plan").filter(ticket=ticket).first()
                  if ticket.kind == Kind.MAINTENANCE else None)
    done = sum(1 for item in items if item.done_at)
    context = {
        "ticket": ticket, "items": items, "occurrence": occurrence,
        "plan": occurrence.plan if occurrence else None,
        "follow_ups": list(ticket.follow_ups.order_by("created_at")
                           .only("kind", "number", "title", "status")),
        "done_count": done, "total": len(items), "all_done": done == len(items),
        "can_work": user.is_agent and ticket.is_open,
        "show": bool(items) or occurrence is not None,
        "step_errors": {}, "step_values": {},
    }
    if occurrence:
        context["due_local"] = occurrence.due_at.astimezone(occurrence.plan.schedule().tz)
        if occurrence.was_moved:
            context["was_local"] = occurrence.scheduled_for.astimezone(
                occurrence.plan.schedule().tz)
    context.update(extra)
    for item in items:
        item.error = context["step_errors"].get(item.pk, "")
        item.posted = context["step_values"].get(item.pk, {})
        try:
            item.incident = item.maintenance_incident.incident
        except StepIncident.DoesNotExist:
            item.incident = None
    context["left"] = len(items) - done
    return context


def _respond(request, ticket: Ticket, **extra):
    if is_htmx(request):
        ticket = get_visible_ticket(request.user, ticket.ref)
        context = panel_context(request.user, ticket, fragment=True, **extra)
        response = render(request, "maintenance/_work_item_panel.html", context)
        # A step can move the ticket (the first tick starts work) and always adds to its
        # timeline: the page's header and timeline come along, swapped out of band.
        page = workspace_context(request, ticket, oob=True)
        response.content += "".join(
            render_to_string(name, page, request)
            for name in ("desk/_ticket_head.html", "desk/_timeline.html")).encode()
        response["HX-Trigger"] = "ticket-changed"
        return response
    return redirect(ticket.get_desk_url())


def _item(ticket: Ticket, item_id: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem.objects.select_related("ticket"), pk=item_id,
                             ticket=ticket)


@desk_page
def work_panel(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    return render(request, "maintenance/_work_item_panel.html",
                  panel_context(request.user, ticket))


@desk_action
def work_step(request, ref, pk):
    ticket = get_visible_ticket(request.user, ref)
    item = _item(ticket, pk)
    form = StepForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    done = request.POST.get("done") == "1"
    try:
        services.work_step_tick(item=item, actor=request.user, done=done,
                                result=data.get("result") or "", note=data.get("note") or "")
    except ValidationError as error:
        text = error_text(error)
        if not is_htmx(request):
            messages.error(request, f"Step {item.position} not saved: {text}")
        return _respond(request, ticket, step_errors={item.pk: text},
                        step_values={item.pk: data})
    if not is_htmx(request):
        messages.success(request, f"Step {item.position} {'done' if done else 'reopened'}.")
    return _respond(request, ticket)


@desk_action
def work_incident(request, ref, pk):
    """Raise an incident from a failed step, linked to the work item. Once per step."""
    ticket = get_visible_ticket(request.user, ref)
    item = _item(ticket, pk)
    try:
        link, raised = services.step_incident_raise(item=item, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _respond(request, ticket)
    if raised:
        messages.success(request, f"{link.incident.ref} raised and linked to {ticket.ref}.")
    else:
        messages.info(request, f"{link.incident.ref} was already raised for this step.")
    return _respond(request, ticket)


@desk_action
def work_resolve(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    try:
        tickets.ticket_transition(ticket=ticket, actor=request.user, to=Status.RESOLVED,
                                  note=(request.POST.get("note") or "").strip()[:5000])
    except (ValidationError, PermissionDenied) as error:
        text = error_text(error) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"{ticket.ref} not resolved: {text}")
    else:
        messages.success(request, f"{ticket.ref} resolved.")
    return _respond(request, ticket)
