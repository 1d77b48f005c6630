"""The demo app's configuration (installed only with TEND_DEMO=1)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"
