"""`manage.py seed_monitoring`: demo checks with a few days of history (demo/monitoring.py)."""

from django.core.management.base import BaseCommand

from demo.monitoring import seed


class Command(BaseCommand):
    help = "Create demo checks with history (safe to run twice: skips existing names)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3)
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, days, port, **options):
        made = seed(days=days, port=port)
        self.stdout.write(f"{len(made)} demo checks with {days} days of history.")
