"""`manage.py seed_problems`: the demo's problems (demo/problems.py), then one detection pass."""

from django.core.management.base import BaseCommand, CommandError

from itsm import events


class Command(BaseCommand):
    help = "Add the demo problems behind the demo's recurring incidents."

    def handle(self, *args, verbosity, **options):
        try:
            from demo.people import seed_base
            from demo.problems import seed_problems
        except ImportError as exc:
            raise CommandError(f"seed_problems needs requirements-dev.txt ({exc})") from exc
        with events.muted():  # demo history: no webhook or chat message for it
            made = seed_problems(seed_base())
        if verbosity:
            self.stdout.write(f"{made} demo problems written." if made
                              else "Demo problems are already there.")
