"""The real URLconf plus views that fail on purpose, for the error-handler tests."""

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from itsm.config.urls import handler400, handler403, handler404, handler500, urlpatterns


def page_fails(request):
    raise RuntimeError("a bug in a page")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_fails(request):
    raise RuntimeError("a bug in an API view")


urlpatterns = [
    path("api/v1/fails/", api_fails),
    path("api/fails-outside-drf/", page_fails),
    path("fails/", page_fails),
    *urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
