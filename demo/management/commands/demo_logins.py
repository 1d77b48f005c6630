"""`manage.py demo_logins`: the banner `make run` prints before starting the processes.

What it says is gathered in demo/logins.py; this command only lays it out.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.logins import HEADER, broker_summary, database_summary, login_rows, mail_summary


class Command(BaseCommand):
    help = "Print where to open Tend, the demo logins, and where mail, tasks and data go."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        url = f"http://{host}:{port}/"
        rows = login_rows()
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
        required = ", ".join(r for r in settings.TEND_MFA_REQUIRED_ROLES if r.strip())
        out.write(f"  2FA       required of {required}" if required else
                  "  2FA       optional in this demo (production requires it of staff; "
                  "enrol at /accounts/2fa/)")
        out.write(rule)
