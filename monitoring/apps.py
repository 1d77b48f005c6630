"""The monitoring app's configuration; ready() registers the heartbeat ping fast path."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        # The core owns the registry and never imports monitoring (itsm <- monitoring).
        from itsm.performance import fast_paths
        from monitoring.web.ping_fast_path import with_fast_pings

        fast_paths.register(with_fast_pings)
