"""The desk's problem changes: edit and move a stage (one form), link and unlink incidents,
send the workaround, make the fix a plan, create a problem from an incident, and link the
incidents ticked in the queue. Each calls a service; a refusal is shown, never a 500."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from itsm.web.access import desk_action
from itsm.web.forms import add_service_errors, error_text
from problems import selectors, services
from problems.web.desk.forms import LinkForm, ProblemForm, WhyForm
from problems.web.desk.views import problem_page
from tickets.models import Kind
from tickets.selectors import get_visible_ticket, visible_tickets


def _problem(request, pk):
    return selectors.get_visible_problem(request.user, pk)


@desk_action
def problem_save(request, pk):
    """The problem form: save what changed, and move to stage `to` if a stage button sent it."""
    problem = _problem(request, pk)
    form = ProblemForm(request.POST, initial=ProblemForm.initial_for(problem))
    to = request.POST.get("to", "")
    if form.is_valid():
        changes = form.changes()
        fields = {name: changes[name] for name in form.changed_data}
        try:
            if to:
                services.problem_transition(problem=problem, to=to, actor=request.user,
                                            **fields)
            else:
                services.problem_update(problem=problem, actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if to:
                messages.success(request, f"{problem.ticket.ref} moved on.")
            else:
                messages.success(request, f"{problem.ticket.ref} saved." if fields
                                 else "Nothing changed.")
            return redirect(problem.get_absolute_url())
    return problem_page(request, _problem(request, pk), status=400, form=form)


@desk_action
def problem_link(request, pk):
    problem = _problem(request, pk)
    form = LinkForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            added = services.problem_link_incidents(
                problem=problem, incidents=form.cleaned_data["refs"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error, fallback="refs")
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{added} incident{'s' if added != 1 else ''} linked.")
            return redirect(problem.get_absolute_url())
    return problem_page(request, problem, status=400, link_form=form)


@desk_action
def problem_why(request, pk):
    """Add one of the five whys; the page shows them in the order asked."""
    problem = _problem(request, pk)
    form = WhyForm(request.POST)
    if form.is_valid():
        try:
            services.problem_add_why(problem=problem, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Why added.")
            return redirect(problem.get_absolute_url() + "#whys-heading")
    return problem_page(request, problem, status=400, why_form=form)


def _flash(request, error) -> None:
    messages.error(request, error_text(error) if isinstance(error, ValidationError)
                   else str(error))


@desk_action
def problem_unlink(request, pk, ref):
    problem = _problem(request, pk)
    incident = get_visible_ticket(request.user, ref)
    try:
        services.problem_unlink_incident(problem=problem, incident=incident, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, f"{incident.ref} unlinked.")
    return redirect(problem.get_absolute_url())


@desk_action
def problem_send(request, pk):
    """Reply with the workaround to the requesters of the ticked linked incidents."""
    problem = _problem(request, pk)
    ids = [v for v in request.POST.getlist("incident") if v.isdigit()]
    if not ids:
        messages.error(request, "Tick the incidents whose requesters get the workaround.")
        return redirect(problem.get_absolute_url())
    chosen = list(visible_tickets(request.user).filter(pk__in=ids, kind=Kind.INCIDENT))
    try:
        sent = services.problem_send_workaround(problem=problem, actor=request.user,
                                                incidents=chosen)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, f"Workaround sent to {sent} requester"
                                  f"{'s' if sent != 1 else ''}.")
    return redirect(problem.get_absolute_url())


@desk_action
def problem_plan(request, pk):
    """"Make this a plan": the permanent fix as a maintenance plan, in one step."""
    problem = _problem(request, pk)
    fields = {}
    title = request.POST.get("title", "").strip()
    if title:
        fields["title"] = title[:200]
    try:
        plan = services.problem_make_plan(problem=problem, actor=request.user, **fields)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
        return redirect(problem.get_absolute_url())
    messages.success(request, f"Maintenance plan “{plan.title}” made and linked as the fix.")
    return redirect(problem.get_absolute_url())


@desk_action
def problem_from_incident(request, ref):
    """"Create problem from incident" on the desk ticket page: one click, to the problem."""
    incident = get_visible_ticket(request.user, ref)
    try:
        problem = services.problem_create_from_incident(incident=incident, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
        return redirect(incident.get_desk_url())
    messages.success(request, f"{problem.ticket.ref} created from {incident.ref} and linked.")
    return redirect(problem.get_absolute_url())


@desk_action
def bulk_link(request):
    """The queue's "Link to problem…": the ticked incidents to the chosen open problem."""
    back = reverse("desk:queue")
    query = request.POST.get("query", "")
    if query:
        back = f"{back}?{query}" if not query.startswith("?") else f"{back}{query}"
    pk = request.POST.get("problem", "")
    ids = [v for v in request.POST.getlist("ticket") if v.isdigit()]
    if not pk.isdigit() or not ids:
        messages.error(request, "Tick incidents and choose a problem to link them to.")
        return _back(request, back)
    problem = selectors.get_visible_problem(request.user, pk)
    chosen = list(visible_tickets(request.user).filter(pk__in=ids))
    try:
        added = services.problem_link_incidents(problem=problem, incidents=chosen,
                                                actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, f"{added} incident{'s' if added != 1 else ''} linked to "
                                  f"{problem.ticket.ref}.")
    return _back(request, back)


def _back(request, url: str):
    # The queue's bulk form posts with htmx: have the browser load the queue (and its
    # message) rather than swapping this answer into the table.
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
