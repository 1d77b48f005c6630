"""A task for the real worker in test_celery.py (loaded through CELERY_IMPORTS there)."""

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tend_test.nap")
def nap(seconds: float, started: str) -> str:
    """Note that it began, then take `seconds`: a task still running when the worker stops."""
    Path(started).touch()
    time.sleep(seconds)
    return "rested"
