"""The end-user portal: my tickets, file a ticket, follow and answer one.

Reads go through tickets.selectors, writes through tickets.services. A ticket the user
may not see is a 404 (raised by the selector before anything else happens); an action
on a visible ticket the user may not take is a 403. Bad input re-renders the page with
the errors in the form that was sent, status 200.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from itsm.web.forms import add_service_errors
from itsm.web.paging import CappedPaginator
from tickets import selectors, services
from tickets.models import DONE_STATUSES, OPEN_STATUSES, Source, Status, TicketEvent
from tickets.web.portal.extras import registered_form_parts
from tickets.web.portal.forms import RatingForm, ReopenForm, ReplyForm, TicketForm

PAGE_SIZE = 25
SHOW = {  # ?show= on "My tickets": label, statuses (None = every status)
    "all": ("All", None),
    "open": ("Open", OPEN_STATUSES),
    "resolved": ("Resolved & closed", DONE_STATUSES),
}
# Replies and files already appear in the conversation; the history lists the rest.
CONVERSATION_ACTIONS = (TicketEvent.Action.REPLIED, TicketEvent.Action.NOTE,
                        TicketEvent.Action.ATTACHED, TicketEvent.Action.TIME)
FINISHED = (Status.CLOSED, Status.CANCELLED)
NEEDS_REQUESTER = (Status.WAITING, Status.RESOLVED)  # an answer, or "is it fixed?"


@login_required
def home(request):
    show = request.GET.get("show", "all")
    if show not in SHOW:
        show = "all"
    statuses = SHOW[show][1]
    # Even support staff see only their own requests here; the desk is for the rest.
    mine = selectors.visible_tickets(request.user).filter(requester=request.user)
    tickets = mine if statuses is None else mine.filter(status__in=statuses)
    # Last activity first (a reply or a status change moves a ticket up), like a mailbox.
    tickets = (tickets.only("kind", "number", "title", "status", "created_at", "updated_at")
               .order_by("-updated_at", "-id"))
    page = CappedPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    has_any = bool(page.object_list) or (statuses is not None and mine.exists())
    # Tickets waiting on the user sit on top, so an old one is not lost on page 3.
    needs_you = []
    if has_any and page.number == 1:
        needs_you = list(mine.filter(status__in=NEEDS_REQUESTER)
                         .only("kind", "number", "title", "status", "updated_at")
                         .order_by("-updated_at", "-id")[:5])
    return render(request, "portal/home.html", {
        "page": page, "show": show, "has_any": has_any, "needs_you": needs_you,
        "filters": [(key, label) for key, (label, _) in SHOW.items()],
    })


@login_required
def new(request):
    if request.method != "POST":
        return render(request, "portal/new.html", {"form": TicketForm(),
                                                   "form_parts": registered_form_parts()})
    form = TicketForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                requester=request.user, source=Source.PORTAL, kind=data["kind"],
                title=data["title"], description=data["description"],
                category=data.get("category"), service=data["service"],
                impact=data["impact"], urgency=data["urgency"], files=data["files"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"We received {ticket.ref}. We will e-mail you when "
                                      "someone picks it up.")
            return redirect(ticket)
    return render(request, "portal/new.html", {"form": form,
                                               "form_parts": registered_form_parts()})


def _ticket_page(request, ticket, **overrides):
    user = request.user
    is_requester = ticket.requester_id == user.pk
    context = {
        "ticket": ticket,
        "comments": selectors.visible_comments(user, ticket),
        "events": selectors.visible_events(user, ticket).exclude(
            action__in=CONVERSATION_ACTIONS),
        "show_internal": user.sees_all_tickets,
        "is_requester": is_requester,
        "can_reply": ticket.status not in FINISHED and (is_requester or user.is_agent),
        "can_confirm": is_requester and ticket.status == Status.RESOLVED,
        "can_rate": is_requester and ticket.status in (Status.RESOLVED, Status.CLOSED),
        "can_withdraw": is_requester and ticket.is_open,
        "reply_form": ReplyForm(),
        "reopen_form": ReopenForm(),
        "rating_form": RatingForm(initial={"rating": ticket.rating,
                                           "comment": ticket.rating_comment}),
        "action_errors": [],
    }
    context.update(overrides)
    return render(request, "portal/ticket.html", context)


@login_required
def ticket_detail(request, ref):
    ticket = selectors.get_visible_ticket(request.user, ref)
    return _ticket_page(request, ticket)


def ticket_action(*, requester_only: bool = False):
    """A POST on a ticket: sign-in, POST only, the visible ticket (404 otherwise), then roles."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, ref):
            ticket = selectors.get_visible_ticket(request.user, ref)
            if requester_only and ticket.requester_id != request.user.pk:
                raise PermissionDenied("Only the person who reported this can do that.")
            return view(request, ticket)

        return login_required(require_POST(wrapped))

    return decorate


@ticket_action()
def reply(request, ticket):
    if ticket.requester_id != request.user.pk and not request.user.is_agent:
        raise PermissionDenied("Only the requester or a support engineer can reply.")
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment = services.comment_add(ticket=ticket, actor=request.user,
                                           body=form.cleaned_data["body"],
                                           files=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your reply was added.")
            return redirect(f"{ticket.get_absolute_url()}#c{comment.pk}")
    return _ticket_page(request, ticket, reply_form=form)


def _transition(request, ticket, to: str, *, note: str = ""):
    """Apply a requester transition; the ValidationError, if any, for the caller to show."""
    try:
        services.ticket_transition(ticket=ticket, actor=request.user, to=to, note=note)
    except ValidationError as error:
        return error
    return None


@ticket_action(requester_only=True)
def confirm(request, ticket):
    error = _transition(request, ticket, Status.CLOSED)
    if error:
        return _ticket_page(request, ticket, action_errors=error.messages)
    messages.success(request, f"Thanks for confirming. {ticket.ref} is closed.")
    return redirect(ticket)


@ticket_action(requester_only=True)
def reopen(request, ticket):
    form = ReopenForm(request.POST)
    if form.is_valid():
        error = _transition(request, ticket, Status.IN_PROGRESS, note=form.cleaned_data["note"])
        if error is None:
            messages.success(request, f"{ticket.ref} is open again; we will take another look.")
            return redirect(ticket)
        add_service_errors(form, error)
    return _ticket_page(request, ticket, reopen_form=form)


@ticket_action(requester_only=True)
def rate(request, ticket):
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_rate(ticket=ticket, actor=request.user,
                                 rating=form.cleaned_data["rating"],
                                 comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you for your rating.")
            return redirect(ticket)
    return _ticket_page(request, ticket, rating_form=form)


@ticket_action(requester_only=True)
def cancel(request, ticket):
    error = _transition(request, ticket, Status.CANCELLED)
    if error:
        return _ticket_page(request, ticket, action_errors=error.messages)
    messages.success(request, f"{ticket.ref} was withdrawn.")
    return redirect(ticket)
