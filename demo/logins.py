"""What the `make run` banner says: the demo logins, where each lands, and where mail,
background tasks and data go, all read from the running settings and the database, so the
banner never lies. `manage.py demo_logins` prints it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.urls import Resolver404, resolve

from demo import people
from itsm.models import User

MAIL = {
    "django.core.mail.backends.console.EmailBackend": "printed in this terminal (console)",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory (locmem), not sent",
    "django.core.mail.backends.dummy.EmailBackend": "dropped (dummy backend)",
}


def _short(path) -> str:
    """A path under the project, as the project-relative path people see in the repo."""
    text = str(path)
    base = str(settings.BASE_DIR).rstrip("/") + "/"
    return text[len(base):] if text.startswith(base) else text


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def landing(user: User) -> str:
    """Where the user lands after signing in (itsm.web.home.home), and what else they reach."""
    reports = user.has_perm("tickets.view_reports") and _exists("/reports/")
    if reports and not user.is_agent:
        return ", ".join(["reports /reports/", "desk /desk/ (read-only)"])
    places = ["desk /desk/" if user.sees_all_tickets else "portal /"]
    if reports:
        places.append("reports /reports/")
    if user.is_staff:
        places.append("admin /admin/")
    return ", ".join(places)


def mail_summary() -> str:
    backend = settings.EMAIL_BACKEND
    if backend in MAIL:
        return MAIL[backend]
    if backend.endswith("filebased.EmailBackend"):
        return f"written as files to {_short(settings.EMAIL_FILE_PATH)}"
    if backend.endswith("smtp.EmailBackend"):
        return f"sent over SMTP via {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return backend


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def broker_summary() -> str:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return "none: tasks run inline (CELERY_TASK_ALWAYS_EAGER)"
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("data_folder_in", "")
        return f"filesystem (no server) in {_short(folder)}" if folder else \
            "filesystem (no server)"
    return _without_password(url)


def database_summary() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"SQLite file {_short(db['NAME'])}"
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{connection.display_name} {db['NAME']} on {host}{port}"


HEADER = ("username", "password", "role", "lands on")


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, password, role, lands on) for each demo person that exists."""
    found = {u.username: u for u in User.objects.filter(
        username__in=[spec.username for spec in people.USERS])}
    return [(spec.username, people.DEMO_PASSWORD, spec.role, landing(found[spec.username]))
            for spec in people.USERS if spec.username in found]
