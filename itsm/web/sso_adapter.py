"""allauth's single sign-on hooks for Tend: who a provider account is, and what it may be.

An identity is the provider account (allauth's SocialAccount: one provider id per issuer
or SAML organisation, and the subject it asserts), never an e-mail address. The first
time a subject arrives:

- an existing Tend account with the same address is linked only when the provider says
  the address is verified (OIDC `email_verified`, or the SAML attribute mapped to it);
  unverified, the sign-in is refused with a message, and no second account is made that
  would hold the same address;
- otherwise a new account is made, unless the provider's settings say
  `"create_accounts": false`.

At every sign-in the provider's groups are mapped to roles and teams (itsm/services/sso.py).
"""

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from django.shortcuts import render

from itsm.models import User
from itsm.services.audit import audit_record
from itsm.services.sso import Mapping, sso_account_link, sso_roles_apply

log = logging.getLogger(__name__)

REFUSALS = {
    "unverified_email": "Your identity provider did not confirm the e-mail address "
                        "{email}, and a Tend account already uses it. Ask your identity "
                        "provider's administrator to verify the address, or sign in with "
                        "your Tend password.",
    "ambiguous_email": "More than one Tend account uses the address {email}, so Tend cannot "
                       "tell which one is yours. Ask a Tend administrator.",
    "already_linked": "The Tend account with the address {email} is already linked to "
                      "another {provider} account. Ask a Tend administrator.",
    "no_account": "There is no Tend account for you yet, and {provider} accounts are not "
                  "given one automatically. Ask a Tend administrator.",
}


def claims_of(sociallogin) -> dict:
    """What the provider asserted: OIDC's ID token claims overlaid by userinfo (Entra ID
    puts groups only in the token), or SAML's attributes."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return data


def _app(sociallogin):
    return sociallogin.account.get_provider().app


def _verified_emails(sociallogin) -> list[str]:
    return [a.email for a in sociallogin.email_addresses if a.email and a.verified]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        if not sociallogin.is_existing:
            self._link_existing(request, sociallogin)
        if sociallogin.is_existing:
            self._apply_mapping(request, sociallogin, sociallogin.user)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        if _app(sociallogin).settings.get("create_accounts", True):
            return True
        self._refuse(request, sociallogin, "no_account", email="")
        return False  # not reached: _refuse raises

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True  # the signup form would only ask what the provider already said

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        self._apply_mapping(request, sociallogin, user)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None) -> None:
        detail = {"provider": getattr(provider, "sub_id", str(provider)),
                  "reason": str(error or "error"),
                  "error": type(exception).__name__ if exception else ""}
        if (extra_context or {}).get("saml_last_error_reason"):
            # python3-saml's reason (bad signature, expired, wrong audience...): for the
            # administrator only, the page stays vague.
            detail["saml"] = str(extra_context["saml_last_error_reason"])[:500]
        audit_record(action="sso_refused", request=request, detail=detail)
        super().on_authentication_error(request, provider, error=error, exception=exception,
                                        extra_context=extra_context)

    def _link_existing(self, request, sociallogin) -> None:
        addresses = [a.email for a in sociallogin.email_addresses if a.email]
        if not addresses:
            return
        verified = _verified_emails(sociallogin)
        for email in addresses:
            owners = list(User.objects.filter(email__iexact=email)[:2])
            if not owners:
                continue
            if email not in verified:
                self._refuse(request, sociallogin, "unverified_email", email=email)
            if len(owners) > 1:
                self._refuse(request, sociallogin, "ambiguous_email", email=email)
            user = owners[0]
            if SocialAccount.objects.filter(user=user,
                                            provider=sociallogin.account.provider).exists():
                self._refuse(request, sociallogin, "already_linked", email=email)
            sso_account_link(request=request, sociallogin=sociallogin, user=user, email=email)
            return

    def _apply_mapping(self, request, sociallogin, user) -> None:
        sso_roles_apply(user=user, claims=claims_of(sociallogin),
                        mapping=Mapping.from_settings(_app(sociallogin).settings),
                        provider=sociallogin.account.provider, request=request)

    def _refuse(self, request, sociallogin, reason: str, *, email: str) -> None:
        provider = sociallogin.account.get_provider()
        audit_record(action="sso_refused", request=request, actor_name=email,
                     detail={"provider": sociallogin.account.provider,
                             "uid": sociallogin.account.uid, "reason": reason,
                             "email": email})
        message = REFUSALS[reason].format(email=email, provider=provider.name)
        raise ImmediateHttpResponse(render(
            request, "socialaccount/refused.html",
            {"message": message, "provider": provider.name}, status=403))
