"""The WSGI application gunicorn serves: Django, behind the registered fast paths."""

import os

from django.core.wsgi import get_wsgi_application

from itsm.performance import fast_paths, gc_tuning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
# Django's setup runs every app's ready(), so the fast paths are registered by now (e.g.
# monitoring's heartbeat pings, which skip the middleware stack).
application = fast_paths.wrap(get_wsgi_application())

gc_tuning.tune_collector()
