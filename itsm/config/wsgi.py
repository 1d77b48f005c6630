import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
application = get_wsgi_application()

# Heartbeat pings skip the middleware stack (one UPDATE, same rules as the view); every
# other request goes to Django as usual.
from monitoring.services.ping import with_fast_pings  # noqa: E402 - needs the app set up

application = with_fast_pings(application)


def _tune_collector() -> None:
    """A web worker holds a few hundred thousand long-lived objects (modules, models,
    URL patterns) and makes thousands of short-lived ones per request. Freezing the former
    keeps full collections from walking them again and again, and a larger first
    generation runs the collector less often; together about a tenth of a request's CPU.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view now, so they are frozen
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


_tune_collector()
