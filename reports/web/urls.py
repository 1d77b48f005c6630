"""Manager reports under /reports/ (namespace "reports"): one URL name per report."""

from django.urls import path

from reports.registry import REPORTS
from reports.web import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("subscription/", views.subscription, name="subscription"),
    *[path(f"{key}/", views.report, {"key": key}, name=key) for key in REPORTS],
]
