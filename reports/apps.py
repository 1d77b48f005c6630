"""The reports app: manager reports and dashboards read from the other apps."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"
