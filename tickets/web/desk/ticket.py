"""One ticket on the desk: the workspace page, the actions on it, and filing a new ticket.

Every action is a plain POST that redirects back to the workspace; htmx posts the same
forms and swaps the part of the page that changed (hx-select), so both paths share code.
On bad input the page is rendered again with the errors (HTTP 400, or 200 for htmx,
which does not swap error responses).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from itsm.services import system_user
from itsm.web.access import desk_action, desk_form_page, desk_page
from itsm.web.forms import add_service_errors, error_text
from itsm.web.htmx import error_status
from tickets import rules, services
from tickets.models import Status, TicketEvent
from tickets.selectors import (
    get_visible_ticket,
    minutes_logged,
    other_tickets_of_requester,
    visible_comments,
    visible_events,
)
from tickets.web import sla
from tickets.web.desk.forms import CommentForm, NewTicketForm, TimeForm, TransitionForm, TriageForm
from tickets.web.desk.panels import registered_panels

# How each target status is offered as a button: (label, icon, style).
TRANSITION_BUTTONS = {
    Status.IN_PROGRESS: ("Start work", "play", "outline-primary"),
    Status.WAITING: ("Waiting on customer", "hourglass-split", "outline-secondary"),
    Status.ON_HOLD: ("On hold", "pause", "outline-secondary"),
    Status.RESOLVED: ("Resolve", "check2-circle", "success"),
    Status.CLOSED: ("Close", "archive", "outline-secondary"),
    Status.CANCELLED: ("Cancel ticket", "x-circle", "outline-danger"),
}


def _transitions(ticket) -> list[dict]:
    allowed = rules.allowed_transitions(ticket.status, as_requester=False)
    buttons = []
    for status, (label, icon, style) in TRANSITION_BUTTONS.items():
        if status in allowed:
            if status == Status.IN_PROGRESS and ticket.status == Status.RESOLVED:
                label, icon = "Reopen", "arrow-counterclockwise"
            buttons.append({"value": status.value, "label": label, "icon": icon, "style": style})
    return buttons


def _minutes(total: int) -> str:
    hours, minutes = divmod(total, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def workspace_context(request, ticket, **overrides) -> dict:
    user = request.user
    total = minutes_logged(ticket)
    # Work Tend raised itself (monitoring, maintenance) has Tend's own account as its
    # requester: not a person, so no "other tickets" and no e-mail to them.
    by_tend = ticket.requester.username == system_user.USERNAME
    context = {
        "ticket": ticket,
        "comments": list(visible_comments(user, ticket)),
        # SLA clock entries have their own timeline in the SLA panel.
        "timeline": list(visible_events(user, ticket).exclude(action=TicketEvent.Action.SLA)),
        "show_internal": True,
        "time_total": _minutes(total) if total else None,
        "requester_is_tend": by_tend,
        "other_tickets": [] if by_tend else list(other_tickets_of_requester(ticket)),
        "can_work": user.is_agent,
        "transitions": _transitions(ticket),
        "is_assignee": ticket.assignee_id == user.pk,
        "sla": sla.panel(ticket),
        "side_panels": registered_panels(),  # from apps above tickets (desk/panels.py)
    }
    if user.is_agent:
        context.update({
            "comment_form": CommentForm(ticket=ticket),
            "triage_form": TriageForm(initial=TriageForm.initial_for(ticket)),
            "transition_form": TransitionForm(ticket=ticket),
            "time_form": TimeForm(),
        })
    context.update(overrides)
    return context


def _page(request, ticket, *, status: int = 200, **overrides):
    context = workspace_context(request, ticket, **overrides)
    return render(request, "desk/ticket.html", context,
                  status=error_status(request, status))


def _back(ticket):
    return redirect(ticket.get_desk_url())


@desk_page
def ticket_detail(request, ref):
    return _page(request, get_visible_ticket(request.user, ref))


@desk_action
def reply(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    form = CommentForm(request.POST, request.FILES, ticket=ticket)
    if form.is_valid():
        internal = form.cleaned_data["internal"]
        follow_up = form.cleaned_data["set_status"]
        try:
            services.ticket_reply(ticket=ticket, actor=request.user,
                                  body=form.cleaned_data["body"], internal=internal,
                                  files=request.FILES.getlist("files"), status=follow_up or "")
        except ValidationError as error:
            add_service_errors(form, error)
            ticket = get_visible_ticket(request.user, ref)  # the copy in hand was changed
        else:
            done = "Internal note added" if internal else "Reply sent to the requester"
            if follow_up:
                done += f"; status is now {Status(follow_up).label.lower()}"
            messages.success(request, done + ".")
            return _back(ticket)
    return _page(request, ticket, status=400, comment_form=form)


def _save_triage(ticket, actor, version: int, changes: dict):
    try:
        return services.ticket_update(ticket=ticket, actor=actor, version=version, **changes)
    except services.TicketConflict as conflict:
        # Replies, notes, time and status moves bump the version too, but do not touch
        # triage fields: only someone else's field edits make this a real conflict.
        if any(event.action == TicketEvent.Action.CHANGED for event in conflict.events):
            raise
        return services.ticket_update(ticket=ticket, actor=actor,
                                      version=conflict.ticket.version, **changes)


@desk_action
def update(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    form = TriageForm(request.POST)
    if not form.is_valid():
        return _page(request, ticket, status=400, triage_form=form)
    changes = form.changes_for(ticket)
    if not changes:
        messages.info(request, "Nothing to save: no field was changed.")
        return _back(ticket)
    try:
        _save_triage(ticket, request.user, form.cleaned_data["version"], changes)
    except services.TicketConflict as conflict:
        current = get_visible_ticket(request.user, ref)
        fresh = TriageForm(initial=TriageForm.initial_for(current))
        messages.warning(request, f"Your triage changes to {current.ref} were not saved: someone "
                                  "else changed it meanwhile. See what changed under Triage.")
        return _page(request, current, status=409, triage_form=fresh,
                     conflict=conflict.events, attempted=form.attempted(current))
    except ValidationError as error:
        add_service_errors(form, error)
        return _page(request, ticket, status=400, triage_form=form)
    names = ", ".join(form.fields[name].label or name for name in changes)
    messages.success(request, f"Saved: {names.lower()}.")
    return _back(ticket)


@desk_action
def transition(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    form = TransitionForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.ticket_transition(ticket=ticket, actor=request.user,
                                       to=form.cleaned_data["to"], note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            ticket.refresh_from_db(fields=["status"])
            messages.success(request, f"{ticket.ref} is now "
                                      f"{ticket.get_status_display().lower()}.")
            return _back(ticket)
    return _page(request, ticket, status=400, transition_form=form)


@desk_action
def log_time(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    form = TimeForm(request.POST)
    if form.is_valid():
        try:
            services.time_log(ticket=ticket, actor=request.user,
                              minutes=form.cleaned_data["minutes"], note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Logged {_minutes(form.cleaned_data['minutes'])}.")
            return _back(ticket)
    return _page(request, ticket, status=400, time_form=form)


@desk_action
def assign_me(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    try:
        services.ticket_update(ticket=ticket, actor=request.user, assignee=request.user)
    except ValidationError as error:
        messages.error(request, f"Could not assign {ticket.ref} to you: {error_text(error)}")
    else:
        messages.success(request, f"{ticket.ref} is assigned to you.")
    return _back(ticket)


@desk_form_page
def new(request):
    initial = {"requester": request.GET.get("requester")} if request.GET.get("requester") else {}
    form = NewTicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                requester=data["requester"], title=data["title"],
                description=data["description"], kind=data["kind"], source=data["source"],
                actor=request.user, category=data["category"], service=data["service"],
                asset=data["asset"], impact=data["impact"], urgency=data["urgency"],
                team=data["team"], assignee=data["assignee"],
                files=request.FILES.getlist("files"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{ticket.ref} filed for {ticket.requester}.")
            return redirect(ticket.get_desk_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "desk/new.html", {"form": form, "cancel_url": reverse("desk:queue")},
                  status=status)
