"""`manage.py seed_maintenance`: demo plans with history, windows, patches (demo/maintenance.py)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Add demo maintenance plans (with three months of history), windows and patches."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, seed, verbosity, **options):
        from demo.maintenance import seed as seed_maintenance

        try:
            counts = seed_maintenance(seed=seed)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        except ImportError as exc:
            raise CommandError(f"seed_maintenance needs requirements-dev.txt ({exc})") from exc
        if verbosity:
            if counts:
                self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
            else:
                self.stdout.write("Maintenance demo data is already there.")
