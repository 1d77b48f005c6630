"""Sign-in with a limit on failed attempts, per account and per address."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") if request else ""


class LoginLimiter:
    """Counts failures in the shared cache; refuses once a key reaches the limit."""

    def __init__(self, request, username: str):
        ip = client_ip(request)
        self.keys = [f"login-fail:user:{(username or '').lower()[:150]}", f"login-fail:ip:{ip}"]

    def blocked(self) -> bool:
        limit = settings.TEND_LOGIN_ATTEMPTS
        # The per-address limit is wider: one office may share an address.
        return (cache.get(self.keys[0], 0) >= limit
                or cache.get(self.keys[1], 0) >= limit * 4)

    def failed(self) -> None:
        window = settings.TEND_LOGIN_WINDOW_SECONDS
        for key in self.keys:
            if not cache.add(key, 1, window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, window)

    def succeeded(self) -> None:
        cache.delete(self.keys[0])


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


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback
