"""The project's configuration: settings, URLs, the Celery app, WSGI, the beat schedule."""

from .celery import app as celery_app

__all__ = ["celery_app"]
