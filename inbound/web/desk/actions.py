"""The desk's mail changes: retry a failed message, release a held one, poll a mailbox
now, make a new endpoint token, and add or remove a ticket's participants. Each calls a
service; a refusal is shown as a message, never a 500."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect

from inbound import selectors
from inbound.models import Mailbox
from inbound.services import mailboxes, receive
from inbound.web.desk.views import message_page, overview_page, require_mail_admin
from itsm.web.access import desk_action
from itsm.web.forms import error_text
from itsm.web.reauth import confirmation_needed
from tickets.models import Participant
from tickets.selectors import get_visible_ticket
from tickets.services import mail as ticket_mail


def _again(request, pk, service, done: str):
    row = selectors.visible_message(request.user, pk)
    try:
        row = service(message=row, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = error_text(error) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return message_page(request, row, status=400 if isinstance(error, ValidationError)
                            else 403)
    messages.success(request, f"{done} It is now {row.get_state_display().lower()}"
                     + (f": {row.ticket.ref}." if row.ticket_id else "."))
    return redirect("inbound:message", row.pk)


@desk_action
def message_retry(request, pk):
    return _again(request, pk, receive.message_retry, "Processed again.")


@desk_action
def message_release(request, pk):
    return _again(request, pk, receive.message_release, "Released.")


def _mailbox(request, pk) -> Mailbox:
    require_mail_admin(request.user)
    return get_object_or_404(Mailbox, pk=pk)


@desk_action
def mailbox_poll(request, pk):
    mailbox = _mailbox(request, pk)
    mailboxes.mailbox_poll_soon(mailbox=mailbox, actor=request.user)
    messages.success(request, f"{mailbox.name} will be read within a few seconds.")
    return redirect("inbound:overview")


@desk_action
def mailbox_token(request, pk):
    """A new token for the inbound endpoint, shown once in this answer (the old one stops
    working now)."""
    mailbox = _mailbox(request, pk)
    if (confirm := confirmation_needed(request)) is not None:  # a new secret: re-authenticate
        return confirm
    token = mailboxes.mailbox_token_rotate(mailbox=mailbox, actor=request.user)
    response = overview_page(request, token={"mailbox": mailbox.name, "token": token})
    response["Cache-Control"] = "no-store"
    return response


@desk_action
def participant_add(request, ref):
    ticket = get_visible_ticket(request.user, ref)
    try:
        person = ticket_mail.participant_add(ticket=ticket, actor=request.user,
                                             email=request.POST.get("email", "")[:254],
                                             name=request.POST.get("name", "")[:200])
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{person} now receives {ticket.ref}'s public replies.")
    return redirect(ticket.get_desk_url())


@desk_action
def participant_remove(request, ref, pk):
    ticket = get_visible_ticket(request.user, ref)
    person = get_object_or_404(Participant, pk=pk, ticket=ticket)
    ticket_mail.participant_remove(participant=person, actor=request.user)
    messages.success(request, f"{person} no longer receives {ticket.ref}'s replies.")
    return redirect(ticket.get_desk_url())
