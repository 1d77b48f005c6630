"""/status/: each service's state, 90-day uptime, open incidents and planned maintenance.

Readable by everyone signed in, and by anyone when TEND_STATUS_PUBLIC is on. It shows
service names, states and incident titles only: no targets, checks or internal notes.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.views.decorators.http import require_GET

from monitoring import conf, selectors


@require_GET
def status(request):
    if not conf.status_public() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "monitoring/status.html", selectors.status_page())
