"""Single sign-on routes under /accounts/: allauth's OpenID Connect and SAML endpoints
and the few socialaccount pages a sign-in can end on (no "connections" page: accounts are
linked by the rules in itsm/web/sso_adapter.py, not by hand)."""

from allauth.socialaccount import views as social_views
from allauth.socialaccount.providers.saml import views as saml_views
from django.urls import include, path

from itsm.web import sso_saml

urlpatterns = [
    # /accounts/oidc/<provider id>/login/ and …/login/callback/ (the redirect URI).
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    # /accounts/saml/<organisation>/login/, acs/, metadata/, sls/: allauth's views, the
    # ones that read the organisation's settings guarded against a 500 (sso_saml.py).
    path("saml/<str:organization_slug>/", include([
        path("acs/", saml_views.acs, name="saml_acs"),
        path("acs/finish/", sso_saml.finish_acs, name="saml_finish_acs"),
        path("sls/", sso_saml.sls, name="saml_sls"),
        path("metadata/", sso_saml.metadata, name="saml_metadata"),
        path("login/", sso_saml.login, name="saml_login"),
    ])),
    path("sso/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("sso/error/", social_views.login_error, name="socialaccount_login_error"),
    path("sso/signup/", social_views.signup, name="socialaccount_signup"),
]
