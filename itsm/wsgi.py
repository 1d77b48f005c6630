import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
application = get_wsgi_application()

# Heartbeat pings skip the middleware stack (one UPDATE, same rules as the view); every
# other request goes to Django as usual.
from monitoring.ping import with_fast_pings  # noqa: E402 - needs the app set up

application = with_fast_pings(application)
