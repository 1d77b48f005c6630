""""Possible problems": the open proposals detection made, with their incidents; accept
(to the new problem) or dismiss with a reason. Support staff read; engineers decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from itsm.filters import MAX_ID
from itsm.web.access import desk_action, desk_page
from itsm.web.forms import error_text
from problems.models import Proposal
from problems.selectors.proposals import proposals_for_list, visible_proposals
from problems.services.access import can_manage
from problems.services.detection import proposal_accept, proposal_dismiss

SHOWN = 50


def _proposal(request, pk) -> Proposal:
    found = (visible_proposals(request.user).filter(pk=pk).first()
             if 0 < int(pk) <= MAX_ID else None)
    if found is None:
        raise Http404("No such proposal.")
    return found


def proposals_page(request, *, status=200, errors=None, reasons=None):
    return render(request, "problems/desk/proposals.html", {
        "proposals": list(proposals_for_list(request.user)[:SHOWN]),
        "can_manage": can_manage(request.user),
        "errors": errors or {}, "reasons": reasons or {}}, status=status)


@desk_page
def proposals(request):
    # desk_page lets support staff only (DSE, manager, admin): they all read proposals.
    return proposals_page(request)


@desk_action
def accept(request, pk):
    proposal = _proposal(request, pk)
    try:
        problem = proposal_accept(proposal=proposal, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error) if isinstance(error, ValidationError)
                       else str(error))
        return redirect("problems:desk_proposals")
    messages.success(request, f"{problem.ticket.ref} opened from the proposal.")
    return redirect(problem.get_absolute_url())


@desk_action
def dismiss(request, pk):
    proposal = _proposal(request, pk)
    reason = request.POST.get("reason", "")[:2000]
    try:
        proposal_dismiss(proposal=proposal, actor=request.user, reason=reason)
    except ValidationError as error:
        return proposals_page(request, status=400, errors={proposal.pk: error_text(error)},
                              reasons={proposal.pk: reason})
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{proposal.title}” dismissed.")
    return redirect("problems:desk_proposals")
