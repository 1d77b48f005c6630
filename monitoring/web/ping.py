"""/ping/<uuid>, /ping/<uuid>/start, /ping/<uuid>/fail: heartbeats from cron jobs and agents.

No sign-in (the UUID is the secret), GET or POST, no CSRF (machines have no token), a
plain-text answer. In production most pings never get here: the WSGI fast path
(ping_fast_path.py) answers them first with the same rules; this view serves the rest
(the test client, `runserver`, a deployment without the fast path).
"""

from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from monitoring.services.ping import check_ping

METHODS = ("GET", "POST", "HEAD")


@csrf_exempt
def ping(request, uuid, action: str = ""):
    if request.method not in METHODS:
        return HttpResponseNotAllowed(list(METHODS))
    if not check_ping(uuid=uuid, action=action):
        return HttpResponse("Not found\n", status=404, content_type="text/plain")
    response = HttpResponse("OK\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
