"""Settings for a real worker process in the kill tests (tests/killing.py): the test
settings with Celery on Redis, mail written to disk slowly, leases from the environment."""

import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
EMAIL_BACKEND = "tests.killing.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
TEND_TEST_MAIL_DELAY = float(os.environ.get("TEND_TEST_MAIL_DELAY", "0"))
TEND_LEASE_SECONDS = int(os.environ.get("TEND_LEASE_SECONDS", "60"))
