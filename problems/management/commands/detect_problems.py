"""`manage.py detect_problems`: one recurrence-detection pass now, the same code beat runs
hourly. It proposes problems; it never opens one."""

from django.core.management.base import BaseCommand, CommandError

from problems.services.detection import problems_detect
from problems.services.errors import ProblemError


class Command(BaseCommand):
    help = "Find clusters of recent incidents and propose problems (never opens them)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Look back this many days (TEND_PROBLEM_CLUSTER_DAYS).")
        parser.add_argument("--min", type=int, default=None, dest="min_incidents",
                            help="Incidents a cluster needs (TEND_PROBLEM_CLUSTER_MIN).")

    def handle(self, *args, **options):
        try:
            counts = problems_detect(window_days=options["days"],
                                     min_incidents=options["min_incidents"])
        except ProblemError as exc:
            names = {"window_days": "--days", "min_incidents": "--min"}
            raise CommandError("; ".join(f"{names.get(field, field)}: {' '.join(texts)}"
                                         for field, texts in exc.messages.items())) from exc
        self.stdout.write(f"{counts.pop('incidents')} incidents looked at")
        for key in ("created", "updated", "unchanged", "covered"):
            self.stdout.write(f"  {key}: {counts[key]}")
