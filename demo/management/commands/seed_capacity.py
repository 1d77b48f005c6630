"""`manage.py seed_capacity`: three weeks of demo host metrics, then one forecast sweep."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from itsm import events


class Command(BaseCommand):
    help = "Push three weeks of demo host metrics (demo/capacity.py) and forecast them once."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, seed, verbosity, **options):
        from demo.capacity import seed_capacity

        def progress(name):
            if verbosity:
                self.stdout.write(f"  metrics of {name} stored")

        try:
            with events.muted():  # demo history: no webhook or chat message for it
                stored = seed_capacity(seed=seed, progress=progress)
        except ImportError as exc:
            raise CommandError(f"seed_capacity needs requirements-dev.txt ({exc})") from exc
        if verbosity:
            self.stdout.write(f"{stored} demo samples stored." if stored
                              else "Capacity demo data is already there.")
        call_command("capacity_forecast", verbosity=verbosity)
