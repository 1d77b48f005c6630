"""Settings for the real worker in test_celery.py: the real settings, file broker and all,
with the broker's folders under TEND_TEST_BROKER_DIR instead of var/celery, and a test task."""

import os

from itsm.config.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405 (the real settings define it)
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    **dict.fromkeys(("data_folder_in", "data_folder_out", "processed_folder", "control_folder"),
                    os.environ["TEND_TEST_BROKER_DIR"]),
}
CELERY_IMPORTS = ["tests.itsm.config.worker_tasks"]
