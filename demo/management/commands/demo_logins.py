"""`manage.py demo_logins`: the banner `make run` prints before starting the processes.

Where to open Tend, whom to sign in as, and where mail, background tasks and data go,
all read from the running settings and the database, so the banner never lies.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.urls import Resolver404, resolve

from demo import tickets as demo_data
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


class Command(BaseCommand):
    help = "Print where to open Tend, the demo logins, and where mail, tasks and data go."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        url = f"http://{host}:{port}/"
        found = {u.username: u for u in User.objects.filter(
            username__in=[spec.username for spec in demo_data.USERS])}
        rows = [(spec.username, demo_data.DEMO_PASSWORD, spec.role, landing(found[spec.username]))
                for spec in demo_data.USERS if spec.username in found]
        rule = "=" * 72
        out = self.stdout
        out.write(rule)
        out.write(self.style.SUCCESS(f"  Tend is starting: open {url}"))
        out.write(rule)
        if rows:
            widths = [max(len(str(row[i])) for row in [*rows, HEADER]) for i in range(3)]
            for row in [HEADER, *rows]:
                out.write("  " + "  ".join(str(cell).ljust(w) for cell, w in zip(
                    row, [*widths, 0], strict=True)).rstrip())
        else:
            out.write(self.style.WARNING(
                "  No demo users yet: run `manage.py seed_demo` (make run does it)."))
        out.write("")
        out.write(f"  Mail      {mail_summary()}")
        out.write(f"  Tasks     {broker_summary()}")
        out.write(f"  Database  {database_summary()}")
        out.write(f"  API       {url}api/v1/ (docs at {url}api/docs/)")
        out.write(rule)


HEADER = ("username", "password", "role", "lands on")
