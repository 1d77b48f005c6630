"""allauth's SAML views, guarded so that no answer is a 500.

allauth builds python3-saml's configuration from the organisation's SocialApp.settings on
every request and lets whatever goes wrong escape: a missing `idp` (ImproperlyConfigured),
a missing key (KeyError), an invalid URL (OneLogin_Saml2_Error), an IdP metadata URL that
cannot be fetched; and at the ACS an answer that is not XML (lxml's XMLSyntaxError, or
python3-saml's refusal of a DTD) or that has no subject (ValueError), or an answer to a
sign-in this browser never started (PermissionDenied). Here:

- a configuration that cannot be built is a 404 page saying the organisation's SAML
  sign-in is not set up (logged for the administrator, not audited: no person was refused);
- an unusable answer (not XML, a DTD, no subject), or one to no sign-in in progress here
  (a replay, another browser's response), is allauth's "sign-in failed" page, through the
  same path as every other refused answer, so the adapter audits it ("sso_refused").

The ACS itself only stashes the POST for /acs/finish/ and needs no configuration.
"""

import functools
import logging

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml import views
from allauth.socialaccount.providers.saml.utils import build_saml_config, get_app_or_404
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from lxml.etree import XMLSyntaxError
from onelogin.saml2.settings import OneLogin_Saml2_Settings

log = logging.getLogger(__name__)


def _configuration_problem(request, organization_slug: str, *, sp_only: bool) -> str:
    """Why this organisation's SAML configuration cannot be used, or "" when it can."""
    app = get_app_or_404(request, organization_slug)  # 404 for an unknown organisation
    try:
        # Also fetches (and caches, as allauth does) the IdP metadata when given by URL.
        config = build_saml_config(request, app.settings, organization_slug)
        OneLogin_Saml2_Settings(settings=config, sp_validation_only=sp_only)
    except Exception as error:  # noqa: BLE001 - any failure here is the configuration's
        log.warning("SAML organisation %r is misconfigured: %s: %s", organization_slug,
                    type(error).__name__, error)
        return f"{type(error).__name__}: {error}"
    return ""


def _unavailable(request, organization_slug: str):
    return render(request, "socialaccount/saml_unavailable.html",
                  {"organization": organization_slug}, status=404)


def _guarded(view, *, sp_only: bool = False):
    @functools.wraps(view)
    def guarded(request, organization_slug):
        if _configuration_problem(request, organization_slug, sp_only=sp_only):
            return _unavailable(request, organization_slug)
        return view(request, organization_slug=organization_slug)

    return guarded


def metadata(request, organization_slug):
    """The SP metadata; it needs only Tend's side of the configuration to be valid."""
    answer = _guarded(views.metadata, sp_only=True)(request, organization_slug)
    if answer.status_code == 500:  # allauth's JSON list of metadata errors
        log.warning("SAML metadata of %r is invalid: %s", organization_slug, answer.content)
        return _unavailable(request, organization_slug)
    return answer


login = _guarded(views.login)
sls = csrf_exempt(_guarded(views.sls))


def finish_acs(request, organization_slug):
    if _configuration_problem(request, organization_slug, sp_only=False):
        return _unavailable(request, organization_slug)
    try:
        return views.finish_acs(request, organization_slug=organization_slug)
    except (XMLSyntaxError, ValueError, PermissionDenied) as error:
        provider = get_app_or_404(request, organization_slug).get_provider(request)
        reason = ("no sign-in in progress in this browser answers it"
                  if isinstance(error, PermissionDenied) else f"unusable response: {error}")
        return render_authentication_error(
            request, provider, exception=error,
            extra_context={"saml_errors": ["invalid_response"],
                           "saml_last_error_reason": reason})
