"""Let the sign-in pages' forms reach the identity providers (CSP form-action).

The provider buttons POST to Tend, which redirects to the provider; browsers check a
form's redirects against the page's `form-action` too, so with only 'self' the button
does nothing. The pages that carry those forms (the sign-in page and a provider's
"continue" page) add the origins of the configured providers' sign-in endpoints, and
only those; every other page keeps form-action 'self'.
"""

from urllib.parse import urlsplit

from django.urls import reverse

PREFIXES = ("/accounts/oidc/", "/accounts/saml/")


def _origin(url) -> str | None:
    parts = urlsplit(str(url or ""))
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def provider_origins(request) -> list[str]:
    from allauth.socialaccount.adapter import get_adapter

    origins = set()
    for app in get_adapter(request).list_apps(request):
        settings = app.settings or {}
        overrides = settings.get("openid_configuration_overrides") or {}
        idp = settings.get("idp") or {}
        for url in (settings.get("server_url"), overrides.get("authorization_endpoint"),
                    idp.get("sso_url"), idp.get("metadata_url"),
                    *settings.get("form_action_origins", [])):
            if origin := _origin(url):
                origins.add(origin)
    return sorted(origins)


class ProviderFormAction:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "text/html" in response.get("Content-Type", "") and (
                request.path == reverse("login") or request.path.startswith(PREFIXES)):
            origins = provider_origins(request)
            if origins:
                update = getattr(response, "_csp_update", None) or {}
                update["form-action"] = [*update.get("form-action", []), *origins]
                response._csp_update = update
        return response
