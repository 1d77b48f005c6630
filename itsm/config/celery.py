"""The Celery app. Delivery is at-least-once: every task must be safe to run twice.

Also the file broker `make run` uses without Redis, which lets a worker stop at once.
"""

import os

from celery import Celery
from kombu.transport import filesystem

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")

app = Celery("tend")
app.config_from_object("django.conf:settings", namespace="CELERY")
# What a task prints (the console e-mail backend's mails) is ordinary output, not a warning.
app.conf.worker_redirect_stdouts_level = "INFO"
app.autodiscover_tasks()


class FileTransport(filesystem.Transport):
    """kombu's file broker (no server), polled five times a second, in short rounds.

    Celery's loop for a broker it cannot watch checks for a shutdown only between rounds of
    `drain_events(timeout=2.0)`, and runs one more round after it: a Ctrl-C went unnoticed
    for up to four seconds, and with the pool's own stop the worker outlasted honcho's five
    seconds of grace and was SIGKILLed. A round here lasts one poll.
    """

    polling_interval = 0.2
    # kombu takes the URL as it is instead of parsing a host out of it: `filesystem://` has
    # none (the file broker needs none), and kombu warned "No hostname was supplied" on
    # every connection. The worker's banner shows the URL, not this class's path.
    can_parse_url = True

    def drain_events(self, connection, timeout=None):
        if timeout is not None:
            timeout = min(timeout, self.polling_interval)
        return super().drain_events(connection, timeout=timeout)
