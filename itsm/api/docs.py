"""/api/schema/ and /api/docs/: for signed-in people unless TEND_API_DOCS_PUBLIC is on.

The schema is an API answer (401 JSON without credentials, a token or a session both
work); the docs page is a browser page (a redirect to sign-in, like every other page).
The setting is read per request.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema."""

    def get_permissions(self):
        return [AllowAny()] if settings.TEND_API_DOCS_PUBLIC else [IsAuthenticated()]

    def handle_exception(self, exc):
        # An error is {"detail": …} JSON like the rest of /api/, not a YAML "schema".
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


_swagger = SpectacularSwaggerSplitView.as_view(url_name="schema")


def docs(request, *args, **kwargs):
    """The Swagger UI page over the schema."""
    if not settings.TEND_API_DOCS_PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _swagger(request, *args, **kwargs)
