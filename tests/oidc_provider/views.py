"""The tests' control endpoint: create or change a user, register Tend as a client.

Guarded by IDP_CONTROL_TOKEN; this project only ever listens on 127.0.0.1 during tests.
"""

import json
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application

from tests.oidc_provider.models import Claims


def _allowed(request) -> bool:
    given = request.headers.get("X-Control-Token", "")
    return secrets.compare_digest(given, settings.IDP_CONTROL_TOKEN)


@csrf_exempt
@require_POST
def user(request):
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    account, _ = User.objects.get_or_create(username=data["username"])
    account.email = data.get("email", "")
    account.first_name = data.get("first_name", "")
    account.last_name = data.get("last_name", "")
    if "password" in data:
        account.set_password(data["password"])
    account.save()
    Claims.objects.update_or_create(user=account, defaults={
        "email_verified": data.get("email_verified", True), "groups": data.get("groups", [])})
    return JsonResponse({"sub": str(account.pk)})


@csrf_exempt
@require_POST
def client(request):
    if not _allowed(request):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    Application.objects.update_or_create(client_id=data["client_id"], defaults={
        "name": data.get("name", data["client_id"]),
        "client_secret": data["secret"], "hash_client_secret": True,
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": " ".join(data["redirect_uris"]),
        "algorithm": Application.RS256_ALGORITHM, "skip_authorization": True})
    return JsonResponse({"client_id": data["client_id"]})
