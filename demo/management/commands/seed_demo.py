"""`manage.py seed_demo`: demo people, teams, services and a few hundred realistic tickets.

Safe to run again and again: people, teams, services, assets and categories are looked
up by name, and demo tickets are only added while the demo people have fewer than asked.
The stories are played through tickets.services (demo/tickets.py), then the knowledge
articles that answer them are written (demo/knowledge.py); `--tickets N`
bulk-adds scale data for benchmarks (demo/scale.py).
"""

import time

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from itsm import roles
from knowledge.models import Article
from tickets.models import Ticket


class Command(BaseCommand):
    help = ("Create demo users (password 'demo'), teams, services, assets, categories and "
            "realistic tickets. Idempotent. --tickets N bulk-adds scale data.")

    def add_arguments(self, parser):
        parser.add_argument("--demo-tickets", type=int, default=300,
                            help="How many story tickets the demo set has (default 300).")
        parser.add_argument("--tickets", type=int, default=0,
                            help="Make sure at least N bulk scale tickets exist (source "
                                 "'API', two years of history, ~10%% open).")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2024, help="Random seed.")

    def handle(self, *args, demo_tickets, tickets, batch_size, seed, verbosity, **options):
        try:  # the demo needs development tools (time-machine, tqdm)
            from demo.knowledge import seed_knowledge
            from demo.people import seed_base
            from demo.scale import SCALE_SOURCE, seed_scale
            from demo.tickets import quiet_side_effects, seed_stories
        except ImportError as exc:
            raise CommandError(f"seed_demo needs requirements-dev.txt ({exc})") from exc
        if Group.objects.filter(name__in=roles.ALL).count() != len(roles.ALL):
            raise CommandError("The role groups are missing: run `manage.py migrate` first.")
        quiet = verbosity == 0
        with quiet_side_effects():
            demo = seed_base()
            made = seed_stories(demo, count=demo_tickets, seed=seed, quiet=quiet)
            articles = seed_knowledge(demo, seed=seed)
        if verbosity:
            self.stdout.write(f"Demo data ready: {made} new demo tickets "
                              f"({Ticket.objects.exclude(source=SCALE_SOURCE).count()} in all), "
                              f"{articles} new knowledge articles "
                              f"({Article.objects.count()} in all).")
        if tickets:
            started = time.monotonic()
            added = seed_scale(demo, target=tickets, batch_size=batch_size, seed=seed,
                               quiet=quiet)
            seconds = time.monotonic() - started
            if added:
                # Scale rows are bulk-loaded past the services: recount the report facts.
                from tickets.services.rebuild import facts_rebuild

                facts_rebuild()
                seconds = time.monotonic() - started
            if verbosity:
                rate = f", {added / seconds:,.0f} tickets/s" if added else ""
                self.stdout.write(f"Scale data ready: added {added:,} tickets in "
                                  f"{seconds:,.1f} s{rate}; "
                                  f"{Ticket.objects.filter(source=SCALE_SOURCE).count():,} "
                                  "scale tickets in all.")
