from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """Where a user lands after signing in: the desk for support staff, else the portal."""
    if request.user.sees_all_tickets:
        return redirect("desk:queue")
    return redirect("portal:home")
