"""Monitoring pages (/desk/monitoring/), the status page (/status/) and heartbeat pings."""

from django.urls import path

from monitoring.web import ping
from monitoring.web import status as status_views
from monitoring.web.desk import views

app_name = "monitoring"
urlpatterns = [
    path("desk/monitoring/", views.board, name="board"),
    path("desk/monitoring/new/", views.check_new, name="new"),
    path("desk/monitoring/<int:pk>/", views.check_detail, name="check"),
    path("desk/monitoring/<int:pk>/edit/", views.check_edit, name="edit"),
    path("desk/monitoring/<int:pk>/pause/", views.check_pause, name="pause"),
    path("desk/monitoring/<int:pk>/resume/", views.check_resume, name="resume"),
    path("desk/monitoring/<int:pk>/delete/", views.check_delete, name="delete"),
    path("desk/monitoring/<int:pk>/test/", views.check_test, name="test"),
    path("status/", status_views.status, name="status"),
    # With and without a trailing slash (cron lines are written both ways). The slash
    # forms come first so reverse() gives the plain ones; each pair shares its name.
    path("ping/<uuid:uuid>/", ping.ping, name="ping"),
    path("ping/<uuid:uuid>/start/", ping.ping, {"action": "start"}, name="ping_start"),
    path("ping/<uuid:uuid>/fail/", ping.ping, {"action": "fail"}, name="ping_fail"),
    path("ping/<uuid:uuid>", ping.ping, name="ping"),
    path("ping/<uuid:uuid>/start", ping.ping, {"action": "start"}, name="ping_start"),
    path("ping/<uuid:uuid>/fail", ping.ping, {"action": "fail"}, name="ping_fail"),
]
