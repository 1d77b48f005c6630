"""The desk's webhook pages (admins): endpoints with their health, one endpoint with its
delivery log, one delivery with every attempt and the exact body. Changes are in
integrations/web/desk/actions.py."""

import json

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from integrations import selectors
from integrations.models import Delivery, DeliveryStatus, Endpoint
from itsm.events import EVENTS
from itsm.web.access import desk_page
from itsm.web.paging import CappedPaginator

ADMIN_PERM = "integrations.change_endpoint"


def require_webhook_admin(user) -> None:
    if not user.has_perm(ADMIN_PERM):
        raise PermissionDenied("Webhooks are for administrators.")


@desk_page
def webhooks(request):
    require_webhook_admin(request.user)
    return render(request, "integrations/webhooks.html", {
        "endpoints": list(selectors.endpoints_with_health()), "events": EVENTS})


def endpoint_page(request, endpoint: Endpoint, *, secret: str = "", status: int = 200):
    """`secret`: a new signing secret, shown on this answer only."""
    state = request.GET.get("status", "")
    event = request.GET.get("event", "")
    rows = selectors.deliveries_for(endpoint, status=state if state in DeliveryStatus.values
                                    else "", event=event if event in EVENTS or
                                    event == "webhook.test" else "")
    page = CappedPaginator(rows.defer("body"), 25).get_page(request.GET.get("page"))
    latest = selectors.last_attempts(page.object_list)
    health = selectors.endpoints_with_health().get(pk=endpoint.pk)
    response = render(request, "integrations/webhook.html", {
        "endpoint": health, "page": page,
        "rows": [(d, latest.get(d.pk)) for d in page.object_list],
        "statuses": DeliveryStatus.choices, "events": [*EVENTS, "webhook.test"],
        "filters": {"status": state, "event": event}, "secret": secret,
    }, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@desk_page
def webhook(request, pk):
    require_webhook_admin(request.user)
    return endpoint_page(request, get_object_or_404(Endpoint, pk=pk))


@desk_page
def delivery(request, pk):
    require_webhook_admin(request.user)
    row = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    try:  # pretty-printed for reading; the exact bytes are shown too
        pretty = json.dumps(json.loads(row.body), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = ""
    return render(request, "integrations/delivery.html", {
        "delivery": row, "attempts": list(row.attempt_log.all()), "pretty": pretty})
