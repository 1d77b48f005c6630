"""Recompute the availability spans from the checks' state changes: after bulk loads,
restores, or state changes written by anything but monitoring's services."""

import time
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitoring.models import Check, CheckSpan, CheckStateChange, ServiceSpan
from monitoring.services.spans import rebuild


class Command(BaseCommand):
    help = ("Recompute the availability spans (monitoring/models/spans.py) of every check, "
            "or of the --check ids given, and of their services.")

    def add_arguments(self, parser):
        parser.add_argument("--check", dest="checks", type=int, action="append",
                            metavar="ID", help="only this check (repeatable)")

    def handle(self, *args, checks=None, **options):
        if checks:
            missing = set(checks) - set(Check.objects.filter(pk__in=checks)
                                        .values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No check with id {', '.join(map(str, sorted(missing)))}.")
        started = time.monotonic()

        def progress(done, total):
            self.stdout.write(f"{done:,} of {total:,} checks "
                              f"({time.monotonic() - started:.1f} s)")

        models = SimpleNamespace(Check=Check, CheckStateChange=CheckStateChange,
                                 CheckSpan=CheckSpan, ServiceSpan=ServiceSpan)
        with transaction.atomic():
            rows = rebuild(models, checks, progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"Rebuilt {rows:,} check spans and their services' in "
            f"{time.monotonic() - started:.1f} s."))
