"""The demo app's configuration (installed only with TEND_DEMO=1)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"

    def ready(self):
        # The demo's own periodic job joins the beat schedule only where the demo is
        # installed; itsm/config/schedule.py, production's schedule, knows nothing of it.
        # Beat sets Django up (and so runs this) before it reads its schedule.
        from demo.tasks import SCHEDULE
        from itsm.config.celery import app

        app.conf.beat_schedule = {**app.conf.beat_schedule, **SCHEDULE}
