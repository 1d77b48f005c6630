"""The Celery app. Delivery is at-least-once: every task must be safe to run twice."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")

app = Celery("tend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
