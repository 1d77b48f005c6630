"""The desk's webhook changes (admins): create, edit, delete, rotate the secret, send a
test, re-enable, redeliver. Plain function views with the admin check inside, so a
re-authentication decorator can wrap them; each calls a service, a refusal is a form
error or a message, never a 500."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from integrations.models import Delivery, Endpoint
from integrations.services import endpoints as service
from integrations.web.desk.forms import EndpointForm
from integrations.web.desk.views import endpoint_page, require_webhook_admin
from itsm.web.access import desk_action, desk_form_page
from itsm.web.forms import add_service_errors, error_text
from itsm.web.reauth import sensitive


def _endpoint(request, pk) -> Endpoint:
    require_webhook_admin(request.user)
    return get_object_or_404(Endpoint, pk=pk)


def _form_page(request, form, endpoint=None, *, status=200):
    return render(request, "integrations/webhook_form.html",
                  {"form": form, "endpoint": endpoint}, status=status)


def _save(request, endpoint: Endpoint, form: EndpointForm):
    data = dict(form.cleaned_data)
    teams, services = data.pop("teams"), data.pop("services")
    return service.endpoint_save(endpoint=endpoint, actor=request.user, request=request,
                                 teams=teams, services=services, **data)


@desk_form_page
@sensitive  # a POST (a change) asks to re-authenticate; the form itself does not
def webhook_new(request):
    require_webhook_admin(request.user)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = _save(request, Endpoint(), form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{endpoint.name} will receive its events.")
            return endpoint_page(request, endpoint, secret=endpoint.secret)
    return _form_page(request, form, status=400 if form.errors else 200)


@desk_form_page
@sensitive  # a POST (a change) asks to re-authenticate; the form itself does not
def webhook_edit(request, pk):
    endpoint = _endpoint(request, pk)
    form = EndpointForm(request.POST or None, initial=EndpointForm.initial_for(endpoint))
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, endpoint, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("integrations:webhook", endpoint.pk)
    return _form_page(request, form, endpoint, status=400 if form.errors else 200)


@desk_action
@sensitive
def webhook_delete(request, pk):
    endpoint = _endpoint(request, pk)
    service.endpoint_delete(endpoint=endpoint, actor=request.user, request=request)
    messages.success(request, f"{endpoint.name} was deleted with its delivery log.")
    return redirect("integrations:webhooks")


@desk_action
@sensitive
def webhook_rotate(request, pk):
    """A new secret, shown once in this answer; the old one signs too for the overlap."""
    endpoint = _endpoint(request, pk)
    secret = service.endpoint_rotate_secret(endpoint=endpoint, actor=request.user,
                                            request=request)
    return endpoint_page(request, endpoint, secret=secret)


@desk_action
def webhook_test(request, pk):
    endpoint = _endpoint(request, pk)
    try:
        service.endpoint_test(endpoint=endpoint, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "A webhook.test ping is on its way; it shows below.")
    return redirect("integrations:webhook", endpoint.pk)


@desk_action
def webhook_enable(request, pk):
    endpoint = _endpoint(request, pk)
    service.endpoint_save(endpoint=endpoint, actor=request.user, request=request, enabled=True)
    messages.success(request, f"{endpoint.name} is enabled; what waited is sent now.")
    return redirect("integrations:webhook", endpoint.pk)


@desk_action
def delivery_redeliver(request, pk):
    require_webhook_admin(request.user)
    row = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    try:
        service.delivery_redeliver(delivery=row)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{row.msg_id} will be sent again under the same id.")
    if request.POST.get("next") == "log":  # the button in the endpoint's log
        return redirect("integrations:webhook", row.endpoint_id)
    return redirect("integrations:delivery", row.pk)
