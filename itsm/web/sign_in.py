"""Sign-in and password reset, each with a limit per account and per client address."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from itsm.web.limits import LoginLimiter, PasswordResetLimiter


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


class LoginView(auth_views.LoginView):
    form_class = LimitedAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Sends at most TEND_PASSWORD_RESET_ATTEMPTS mails per address typed and per window.

    Every request counts, whether or not an account has the address, so the "try later"
    answer says nothing about which addresses exist.
    """

    template_name = "registration/password_reset_form.html"

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
