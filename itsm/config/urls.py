"""The only place that imports every app's urls (DESIGN.md: the one upward import)."""

from allauth.account import views as allauth_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from itsm.api import docs as api_docs
from itsm.web import audit as audit_views
from itsm.web import errors
from itsm.web import home as views
from itsm.web import sign_in as auth
from itsm.web import tokens as token_views

# JSON {"detail": …} under /api/, the styled pages elsewhere (itsm/web/errors.py).
handler400 = errors.handler400
handler403 = errors.handler403
handler404 = errors.handler404
handler500 = errors.handler500

admin.site.site_header = "Tend administration"
admin.site.site_title = "Tend admin"
admin.site.index_title = "Configuration"

account_urls = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(
        success_url=reverse_lazy("password_change_done")), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("tokens/", token_views.my_tokens, name="account_tokens"),
    # Second factors (TOTP, recovery codes, WebAuthn) and re-authentication: allauth's views
    # with Tend's templates (templates/mfa/, templates/account/).
    path("2fa/", include("allauth.mfa.urls")),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    # allauth's names for Tend's own pages, so its views and redirects land on them.
    path("login/", auth.LoginView.as_view(), name="account_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("password/", auth_views.PasswordChangeView.as_view(
        success_url=reverse_lazy("password_change_done")), name="account_change_password"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="account_reset_password"),
]

urlpatterns = [
    path("home/", views.home, name="home"),
    path("accounts/", include(account_urls)),
    path("accounts/", include("itsm.web.sso_urls")),  # single sign-on (OIDC, SAML)
    path("admin/", admin.site.urls),
    path("desk/audit/", audit_views.audit_log, name="audit_log"),
    path("desk/audit/export/", audit_views.audit_export, name="audit_export"),
    path("api/v1/", include("itsm.config.router")),
    path("api/schema/", api_docs.SchemaView.as_view(), name="schema"),
    path("api/docs/", api_docs.docs, name="api-docs"),
    path("", include("monitoring.web.urls")),
    path("", include("maintenance.web.urls")),
    path("", include("knowledge.web.urls")),
    path("reports/", include("reports.web.urls")),
    path("", include("capacity.web.urls")),
    path("", include("problems.web.urls")),
    path("", include("inbound.web.urls")),
    path("", include("integrations.web.urls")),
    path("", include("tickets.web.urls")),
]
