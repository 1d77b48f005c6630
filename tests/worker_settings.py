"""Settings for a real worker process in the kill tests (tests/killing.py): the test
settings with Celery on Redis, mail written to disk slowly, leases from the environment,
and the test-only hooks of tests/killing.py."""

import os

from celery.signals import worker_init

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
EMAIL_BACKEND = "tests.killing.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
TEND_TEST_MAIL_DELAY = float(os.environ.get("TEND_TEST_MAIL_DELAY", "0"))
TEND_LEASE_SECONDS = int(os.environ.get("TEND_LEASE_SECONDS", "60"))

if os.environ.get("TEND_TEST_VISIBILITY_TIMEOUT"):
    # Redis hands an unacknowledged message (its worker was killed) to another worker
    # after this long (an hour in production); looked for every second.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["TEND_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1, "unacked_restore_throttle": 1}


def _install_hooks(**_):
    # At worker_init Django is set up, so the hooks can name models.
    from tests.killing import worker_hooks_install

    worker_hooks_install()


worker_init.connect(_install_hooks, weak=False)
