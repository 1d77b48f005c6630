"""Sign-in and password reset, each with a limit per account and per client address.

The password is checked by Django's form (with Tend's limits); the sign-in is then
completed by allauth's login flow, so its stages run: someone with a TOTP app or a
security key is sent to /accounts/2fa/authenticate/ before the session is theirs.
"""

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from itsm.web.limits import LoginLimiter, PasswordResetLimiter
from itsm.web.sso_policy import SsoAwarePasswordResetForm, refuse_password_sign_in


class LimitedAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": "Too many failed sign-in attempts. Wait %(minutes)d minutes and try "
                        "again, or reset your password.",
    }

    def clean(self):
        limiter = LoginLimiter(self.request, self.cleaned_data.get("username", ""))
        if limiter.blocked():
            raise ValidationError(self.error_messages["rate_limited"], code="rate_limited",
                                  params={"minutes": settings.TEND_LOGIN_WINDOW_SECONDS // 60})
        try:
            cleaned = super().clean()
        except ValidationError:
            limiter.failed()
            raise
        limiter.succeeded()
        return cleaned

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # A role that must sign in through an identity provider has its password refused,
        # with a message naming the provider buttons (itsm/web/sso_policy.py).
        refuse_password_sign_in(self.request, user)


class LoginView(auth_views.LoginView):
    form_class = LimitedAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        login = Login(user=user, redirect_url=self.get_success_url(),
                      email_verification=EmailVerificationMethod.NONE)
        # The password just typed also counts as a recent confirmation, so the enrolment
        # and token pages right after signing in do not ask for it again at once.
        record_authentication(self.request, user, method="password",
                              username=form.cleaned_data.get("username", ""),
                              reauthenticated=True)
        return perform_login(self.request, login)


class PasswordResetView(auth_views.PasswordResetView):
    """Sends at most TEND_PASSWORD_RESET_ATTEMPTS mails per address typed and per window.

    Every request counts, whether or not an account has the address, so the "try later"
    answer says nothing about which addresses exist.
    """

    template_name = "registration/password_reset_form.html"
    form_class = SsoAwarePasswordResetForm  # no reset link for who must use SSO

    def form_valid(self, form):
        limiter = PasswordResetLimiter(self.request, form.cleaned_data["email"])
        if limiter.blocked():
            minutes = max(1, settings.TEND_PASSWORD_RESET_WINDOW_SECONDS // 60)
            form.add_error(None, ValidationError(
                "Too many reset requests. Wait %(minutes)d minutes, then try again; the "
                "link already sent stays valid.", code="rate_limited",
                params={"minutes": minutes}))
            return self.form_invalid(form)
        limiter.count()
        return super().form_valid(form)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback
