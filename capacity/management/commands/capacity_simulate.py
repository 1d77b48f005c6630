"""`manage.py capacity_simulate --shape NAME --days N`: run one of the issue's data shapes
over simulated days through the same forecast and ticket decisions as the sweep (an
in-memory model of the loop: nothing is written) and print the ticket events."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from capacity import shapes


class Command(BaseCommand):
    help = "Run a data shape over simulated days and print the capacity ticket events."

    def add_arguments(self, parser):
        parser.add_argument("--shape", required=True, help=", ".join(shapes.SHAPES))
        parser.add_argument("--days", type=int, default=None,
                            help="days to simulate (default: the whole shape)")
        parser.add_argument("--hours", type=int, default=24, help="hours between sweeps")

    def handle(self, *args, shape, days, hours, **options):
        if shape not in shapes.SHAPES:
            raise CommandError(f"Unknown shape {shape!r}; choose one of "
                               f"{', '.join(shapes.SHAPES)}.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        data = shapes.SHAPES[shape]()
        days = min(days or data.days, data.days)
        self.stdout.write(f"{shape}: {data.kind}, {days} simulated days, a sweep every "
                          f"{hours} h")
        events = shapes.run(data, step=timedelta(hours=hours), days=days,
                            start_day=min(1.0, hours / 24))
        for line in events or ["no ticket events"]:
            self.stdout.write(f"  {line}")
        final = data.forecast(shapes.Shape.at(days))
        self.stdout.write(f"at day {days}: {final.state} ({final.reason})")
