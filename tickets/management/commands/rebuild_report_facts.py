"""Recompute the report facts from the tickets: after bulk loads, restores, or a team,
service or user deleted (their history keeps its old ids until then)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tickets.services.rebuild import facts_rebuild


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not “{value}”.") from None


class Command(BaseCommand):
    help = ("Recompute the report facts (tickets/models/facts.py) from the tickets, for "
            "the days --from … --to (both included; default: every day).")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", metavar="DATE",
                            help="first day to recompute (YYYY-MM-DD, site time zone)")
        parser.add_argument("--to", dest="last", metavar="DATE",
                            help="last day to recompute (YYYY-MM-DD)")

    def handle(self, *args, first=None, last=None, **options):
        first, last = _day(first, "--from"), _day(last, "--to")
        if first and last and first > last:
            raise CommandError(f"--from {first} is after --to {last}.")
        started = time.monotonic()

        def progress(stretch):
            self.stdout.write(f"{stretch.first} – {stretch.last}: {stretch.rows:,} fact rows "
                              f"({time.monotonic() - started:.1f} s)")

        stretches = facts_rebuild(first=first, last=last, progress=progress)
        rows = sum(s.rows for s in stretches)
        self.stdout.write(self.style.SUCCESS(
            f"Rebuilt {len(stretches)} stretch(es), {rows:,} fact rows, in "
            f"{time.monotonic() - started:.1f} s."))
