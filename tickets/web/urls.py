"""Ticket pages: the desk under /desk/, attachment downloads, and the portal at the root."""

from django.urls import include, path

from tickets.web import files as file_views

urlpatterns = [
    path("desk/", include(("tickets.web.desk.urls", "desk"))),
    path("files/<int:pk>/", file_views.download, name="attachment"),
    path("", include(("tickets.web.portal.urls", "portal"))),
]
