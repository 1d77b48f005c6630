from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """Where a user lands after signing in: the desk for support staff, the reports for
    managers, else the portal."""
    if request.user.has_perm("tickets.view_reports") and not request.user.is_agent:
        return redirect("reports:dashboard")
    if request.user.sees_all_tickets:
        return redirect("desk:queue")
    return redirect("portal:home")
