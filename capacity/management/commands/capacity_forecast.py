"""`manage.py capacity_forecast`: one forecasting sweep now, the same code beat runs."""

from time import perf_counter

from django.core.management.base import BaseCommand

from capacity.services.forecasting import capacity_forecast_sweep


class Command(BaseCommand):
    help = "Forecast every series now and open, note or resolve capacity tickets."

    def handle(self, *args, **options):
        began = perf_counter()
        counts = capacity_forecast_sweep()
        took = perf_counter() - began
        self.stdout.write(f"{counts.pop('series', 0)} series forecast in {took:.1f} s")
        for key in sorted(counts):
            self.stdout.write(f"  {key}: {counts[key]}")
