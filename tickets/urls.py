from django.urls import include, path

from . import file_views

urlpatterns = [
    path("desk/", include(("tickets.urls_desk", "desk"))),
    path("files/<int:pk>/", file_views.download, name="attachment"),
    path("", include(("tickets.urls_portal", "portal"))),
]
