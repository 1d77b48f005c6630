"""The provider's routes: OAuth/OIDC under /o/, its own sign-in page, the control endpoint."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from tests.oidc_provider import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("control/user/", views.user),
    path("control/client/", views.client),
]
