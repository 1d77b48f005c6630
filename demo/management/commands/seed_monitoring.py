"""`manage.py seed_monitoring`: demo checks with a week of history (demo/monitoring.py)."""

import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Create demo checks with history, aimed at the port Tend runs on (safe to run "
            "again: existing checks are only re-aimed at --port).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        # `make run` exports PORT; the checks watch what it serves there.
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))

    def handle(self, *args, days, port, verbosity, **options):
        from demo.monitoring import seed

        try:
            made = seed(days=days, port=port)
        except ImportError as exc:
            raise CommandError(f"seed_monitoring needs requirements-dev.txt ({exc})") from exc
        if verbosity:
            if made:
                self.stdout.write(f"{len(made)} demo checks with {days} days of history, "
                                  f"watching port {port}.")
            else:
                self.stdout.write(f"Demo checks are there; they watch port {port}.")
