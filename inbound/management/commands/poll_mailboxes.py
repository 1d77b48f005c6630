"""`manage.py poll_mailboxes [--mailbox NAME]`: one poll now, the same code beat runs.

Every enabled mailbox (due or not), or the one named. Prints a line per mailbox; exits
non-zero when a mailbox is unknown or disabled, or a poll failed (a refused login, an
unreachable server, a message that could not be received), saying why.
"""

from time import perf_counter

from django.core.management.base import BaseCommand, CommandError

from inbound.models import Mailbox
from inbound.services.poll import BATCH, mailbox_poll


class Command(BaseCommand):
    help = "Poll the enabled mailboxes (or one) now: new mail becomes tickets and replies."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", metavar="NAME", help="poll only this mailbox")
        parser.add_argument("--batch", type=int, default=BATCH,
                            help=f"messages fetched per round trip (default {BATCH})")

    def handle(self, *args, **options):
        name, batch = options["mailbox"], options["batch"]
        if batch < 1:
            raise CommandError("--batch must be 1 or more")
        if name:
            mailbox = Mailbox.objects.filter(name=name).first()
            if mailbox is None:
                known = ", ".join(Mailbox.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"No mailbox named {name!r} (mailboxes: {known})")
            if not mailbox.enabled:
                raise CommandError(f"Mailbox {name!r} is disabled; enable it to poll it")
            mailboxes = [mailbox]
        else:
            mailboxes = list(Mailbox.objects.filter(enabled=True).order_by("name"))
            if not mailboxes:
                self.stdout.write("No enabled mailbox to poll.")
                return
        failed = []
        for mailbox in mailboxes:
            self.stdout.write(f"{mailbox.name}: polling {mailbox.host}:{mailbox.port} "
                              f"{mailbox.folder}…")
            self.stdout.flush()
            began = perf_counter()
            result = mailbox_poll(mailbox=mailbox, batch=batch, progress=self.progress)
            took = perf_counter() - began
            if result.busy:
                self.stdout.write(f"{mailbox.name}: another poller holds it; skipped")
                continue
            states = ", ".join(f"{count} {state}" for state, count
                               in sorted(result.states.items())) or "nothing new"
            self.stdout.write(f"{mailbox.name}: {result.fetched} fetched ({states}), "
                              f"{result.moved} moved in {took:.1f} s"
                              + (" (UIDVALIDITY changed: folder read again)"
                                 if result.rescanned else ""))
            if result.error:
                self.stderr.write(f"{mailbox.name}: {result.error}")
                failed.append(mailbox.name)
        if failed:
            raise CommandError(f"Poll failed for {', '.join(failed)} (see above)")

    def progress(self, result, waiting: int) -> None:
        if waiting:
            self.stdout.write(f"{result.mailbox}:   {result.fetched} received, {waiting} to go")
            self.stdout.flush()
