"""Who must sign in through an identity provider, and the refusals that follow from it.

A role requires single sign-on when its SignInPolicy row says so; a role without a row
falls back to TEND_SSO_REQUIRED_ROLES (empty by default). For such people the password
sign-in form and the password reset answer with a message naming the provider buttons,
and the refusal is audited ("password_refused"). A superuser is never locked out this way:
someone must still be able to sign in when the identity provider is down.
"""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError

from itsm.models import SignInPolicy
from itsm.performance.config_cache import config
from itsm.services.audit import audit_record


@config("itsm.SignInPolicy")
def _policies() -> dict[str, bool]:
    return dict(SignInPolicy.objects.values_list("role", "sso_required"))


def roles_requiring_sso() -> frozenset[str]:
    policies = _policies()
    defaults = {role.strip() for role in settings.TEND_SSO_REQUIRED_ROLES if role.strip()}
    required = {role for role in defaults if role not in policies}
    return frozenset(required | {role for role, needed in policies.items() if needed})


def sso_required(user) -> bool:
    """Whether `user` must use an identity provider (no query when no role requires it)."""
    required = roles_requiring_sso()
    if not required or user is None or user.pk is None or user.is_superuser:
        return False
    return user.groups.filter(name__in=required).exists()


def provider_names(request=None) -> list[str]:
    from allauth.socialaccount.adapter import get_adapter

    return [provider.name for provider in get_adapter(request).list_providers(request)]


def refusal_message(request=None) -> str:
    names = provider_names(request)
    if names and request is not None and request.path.startswith("/api/"):
        return (f"Your organisation requires single sign-on for your role: sign in on the "
                f"web with {' or '.join(names)}, then make a personal API token on your "
                "account page.")
    if names:
        buttons = " or ".join(f"“Sign in with {name}”" for name in names)
        return (f"Your organisation requires single sign-on for your role: use {buttons} "
                "below. Your Tend password cannot be used.")
    return ("Your organisation requires single sign-on for your role, but no identity "
            "provider is set up yet. Ask an administrator.")


def refuse_password_sign_in(request, user) -> None:
    """Raise the form error for a correct password of someone who must use SSO.

    Called only after the password was checked, so the message tells nothing to someone
    who does not know it.
    """
    if not sso_required(user):
        return
    audit_record(action="password_refused", actor_name=user.get_username(), request=request,
                 target=f"user:{user.pk}", detail={"step": "sign_in"})
    raise ValidationError(refusal_message(request), code="sso_required")


class SsoAwarePasswordResetForm(PasswordResetForm):
    """Sends no reset link to someone whose role requires single sign-on.

    The page still says a mail was sent (as for an unknown address), so it tells nobody
    which addresses belong to such accounts; the refusal is audited.
    """

    request = None

    def save(self, *args, request=None, **kwargs):
        self.request = request  # get_users is not given it
        # writes: allowed because a form's save here sends the reset mail, it stores nothing
        return super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        request = self.request
        for user in super().get_users(email):
            if sso_required(user):
                audit_record(action="password_refused", actor_name=user.get_username(),
                             target=f"user:{user.pk}", request=request,
                             detail={"step": "password_reset"})
                continue
            yield user
