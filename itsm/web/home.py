"""/home/: where a user lands after signing in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from itsm import roles


@login_required
def home(request):
    """The desk for support staff, the reports for managers, else the portal (URL names
    only: the core imports none of the apps whose pages these are)."""
    if roles.can(request.user, roles.REPORTS) and not request.user.is_agent:
        return redirect("reports:dashboard")
    if request.user.sees_all_tickets:
        return redirect("desk:queue")
    return redirect("portal:home")
