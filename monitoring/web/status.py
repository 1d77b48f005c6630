"""/status/: each service's state, 90-day uptime, open incidents and planned maintenance.

Readable by everyone signed in, and by anyone when TEND_STATUS_PUBLIC is on. It shows
service names and states only: no targets, check names, incident titles or internal notes.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.views.decorators.http import require_GET

from monitoring import conf, selectors


@require_GET
def status(request):
    if not conf.status_public() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = selectors.status_page()
    context["incidents"] = affected_services(context["incidents"])
    return render(request, "monitoring/status.html", context)


def affected_services(incidents) -> list[dict]:
    """Open incidents as the services they affect, each once, since the earliest.

    An incident's title names the check that raised it (an internal name such as
    "Tend sign-in page"): people reading the status page see services, not checks."""
    by_service: dict[str, dict] = {}
    for incident in incidents:
        name = incident.service.name
        row = by_service.setdefault(name, {"service": name, "since": incident.created_at})
        row["since"] = min(row["since"], incident.created_at)
    return sorted(by_service.values(), key=lambda row: row["since"], reverse=True)
