"""`manage.py watch_mailboxes`: IMAP IDLE on every enabled mailbox; a poll as mail arrives.

A long-running process (the Procfile's `mail:` line). One thread per enabled mailbox
holds a connection IDLE on its folder; when the server announces new mail (EXISTS) the
thread runs `mailbox_poll`, the code beat runs, so a message is picked up within seconds
and still received exactly once (the poll's lease and keys, not this loop, ensure that).
Each thread polls once on (re)connecting, for mail that came while nobody watched. IDLE is
re-issued every --idle-seconds (RFC 2177: under 29 minutes). A lost connection is
retried after 1, 2, 4 … seconds, at most --max-backoff; a server without IDLE is left to
beat's schedule. Mailboxes added, enabled or disabled are noticed within a minute.
SIGTERM or Ctrl-C stops the threads within about a second.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from inbound import imap
from inbound.models import Mailbox
from inbound.services.poll import mailbox_poll

RESCAN_SECONDS = 60  # how often the list of enabled mailboxes is read again


class Command(BaseCommand):
    help = "Watch the enabled mailboxes with IMAP IDLE and poll each as soon as mail arrives."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", metavar="NAME", help="watch only this mailbox")
        parser.add_argument("--idle-seconds", type=float, default=25 * 60,
                            help="re-issue IDLE after this long (default 1500, under 29 min)")
        parser.add_argument("--max-backoff", type=float, default=300,
                            help="longest wait before reconnecting, in seconds (default 300)")

    def handle(self, *args, **options):
        self.name = options["mailbox"]
        self.idle_seconds = options["idle_seconds"]
        self.max_backoff = options["max_backoff"]
        if not 0 < self.idle_seconds < 29 * 60:
            raise CommandError("--idle-seconds must be between 0 and 1740 (RFC 2177)")
        if self.max_backoff < 1:
            raise CommandError("--max-backoff must be 1 second or more")
        if self.name and not Mailbox.objects.filter(name=self.name).exists():
            raise CommandError(f"No mailbox named {self.name!r}")
        self.stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop.set())
        watchers: dict[int, threading.Thread] = {}
        while not self.stop.is_set():
            mailboxes = Mailbox.objects.filter(enabled=True)
            if self.name:
                mailboxes = mailboxes.filter(name=self.name)
            for pk, name in mailboxes.values_list("pk", "name"):
                if pk not in watchers or not watchers[pk].is_alive():
                    watchers[pk] = threading.Thread(target=self.watch, args=(pk,),
                                                    name=f"watch-{name}", daemon=True)
                    watchers[pk].start()
            close_old_connections()
            self.stop.wait(RESCAN_SECONDS)
        for thread in watchers.values():
            thread.join(timeout=10)
        self.stdout.write("Stopped.")

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def watch(self, pk: int) -> None:
        """One mailbox: connect, poll, IDLE, poll on new mail; reconnect with back-off."""
        delay = 0.0
        try:
            while not self.stop.is_set():
                mailbox = Mailbox.objects.filter(pk=pk, enabled=True).first()
                if mailbox is None:  # disabled or deleted: the rescan restarts it if enabled
                    return
                try:
                    with imap.connect(mailbox) as session:
                        if not session.supports_idle:
                            self.say(f"{mailbox.name}: the server has no IDLE; "
                                     "beat polls it on its schedule")
                            return
                        session.select(mailbox.folder)
                        delay = 0.0
                        self.say(f"{mailbox.name}: watching {mailbox.folder} "
                                 f"on {mailbox.host}:{mailbox.port}")
                        self.poll(pk)
                        while not self.stop.is_set() and self.unchanged(mailbox):
                            if session.idle_wait(seconds=self.idle_seconds, stop=self.stop,
                                                 slice_seconds=1.0):
                                self.poll(pk)
                except imap.ImapError as exc:
                    self.say(f"{mailbox.name}: {exc}")
                if self.stop.is_set():
                    return
                delay = min(self.max_backoff, delay * 2 or 1.0)
                self.say(f"{mailbox.name}: reconnecting in {delay:g} s")
                self.stop.wait(delay)
        finally:
            connection.close()

    def unchanged(self, mailbox: Mailbox) -> bool:
        """Still enabled and still at the same place (else reconnect to the new one)."""
        close_old_connections()
        where = ("host", "port", "use_tls", "username", "folder", "auth_method")
        now = Mailbox.objects.filter(pk=mailbox.pk, enabled=True).values(*where).first()
        return now == {key: getattr(mailbox, key) for key in where}

    def poll(self, pk: int) -> None:
        close_old_connections()
        mailbox = Mailbox.objects.filter(pk=pk).first()
        if mailbox is None:
            return
        result = mailbox_poll(mailbox=mailbox)
        if result.busy:
            self.say(f"{mailbox.name}: another poller is on it")
        elif result.fetched or result.error:
            self.say(f"{mailbox.name}: {result.fetched} fetched, {result.moved} moved"
                     + (f"; {result.error}" if result.error else ""))
