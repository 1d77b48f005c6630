"""Mail intake throughput: --messages queued in a real Dovecot folder, taken in by one poll.

APPENDs the messages (not timed) to a fresh folder of the IMAP account in
TEND_TEST_IMAP_URL (default imap://tend:tend@127.0.0.1:10143, the Dovecot `.ci/run`
starts), then runs one `mailbox_poll` in this process, as one worker would: fetch in
batches, parse, thread, open a ticket per message (one sender in --senders sends each
tenth as a reply to an earlier one), commit, move. Prints messages/s and the total;
the target is 1,000 messages in under 60 s. The folder, its tickets and messages are
removed afterwards.

Usage: bench/inbound.py [--messages 1000] [--batch 50] [--senders 50]
Needs DATABASE_URL (Postgres), as the other benches.
"""

import argparse
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("EMAIL_URL", "dummymail://")  # acknowledgements are not the subject
os.environ.setdefault("TEND_TEST_IMAP_URL", "imap://tend:tend@127.0.0.1:10143")


def message(i: int, sender: str, first_ids: dict) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@bench.example"
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(idstring=f"bench{i}", domain="client.example")
    if i % 10 == 9 and sender in first_ids:  # a follow-up on the sender's first mail
        mail["Subject"] = "Re: printer on floor 3"
        mail["In-Reply-To"] = mail["References"] = first_ids[sender]
    else:
        mail["Subject"] = f"Printer on floor 3 jams ({i})"
        first_ids.setdefault(sender, mail["Message-ID"])
    mail.set_content(f"Hello,\n\nthe printer jams on page {i}.\n\n-- \n{sender}\n" * 3)
    return mail.as_bytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--senders", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres database (see the docstring)")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from imap_tools import MailBoxUnencrypted

    from inbound.models import InboundMessage, Mailbox
    from inbound.services.poll import mailbox_poll
    from tickets.models import Ticket
    from tickets.services.rebuild import facts_rebuild

    call_command("migrate", verbosity=0)
    url = urlparse(os.environ["TEND_TEST_IMAP_URL"])
    user, password = unquote(url.username), unquote(url.password)
    folder = f"bench-{uuid.uuid4().hex[:8]}"
    users = get_user_model().objects
    senders = []
    for n in range(args.senders):
        person, _ = users.get_or_create(username=f"bench-mail-{n}",
                                        defaults={"email": f"bench-mail-{n}@client.example"})
        senders.append(person)
    first_ids: dict = {}
    raws = [message(i, senders[i % len(senders)].email, first_ids)
            for i in range(args.messages)]

    def server():
        return MailBoxUnencrypted(url.hostname, url.port or 143, timeout=60).login(
            user, password, initial_folder=None)

    began = time.perf_counter()
    with server() as box:
        box.folder.create(folder)
        for raw in raws:
            box.append(raw, folder)
    print(f"{args.messages:,} messages APPENDed to {folder} in "
          f"{time.perf_counter() - began:.1f} s (not counted)")

    mailbox = Mailbox.objects.create(
        name=folder, address="support@bench.example", host=url.hostname,
        port=url.port or 143, use_tls=False, username=user, password=password,
        folder=folder, processed_folder=f"{folder}/Processed", failed_folder=f"{folder}/Failed",
        sender_hourly_cap=10_000)
    try:
        began = time.perf_counter()
        result = mailbox_poll(mailbox=mailbox, batch=args.batch)
        took = time.perf_counter() - began
        states = ", ".join(f"{n} {state}" for state, n in sorted(result.states.items()))
        print(f"one poll, batches of {args.batch}: {result.fetched:,} messages ({states}), "
              f"{result.moved:,} moved, in {took:.1f} s = {result.fetched / took:.0f} "
              f"messages/s; {'under' if took < 60 else 'OVER'} the 60 s target"
              + (f"; errors: {result.error}" if result.error else ""))
    finally:
        rows = InboundMessage.objects.filter(mailbox=mailbox)
        tickets = list(rows.exclude(ticket=None).values_list("ticket", flat=True).distinct())
        for row in rows.iterator():
            row.raw.delete(save=False)
        rows.delete()
        Ticket.objects.filter(pk__in=tickets).delete()
        mailbox.delete()
        # Deleted past the services: today's report facts and the open counts recounted.
        facts_rebuild(first=timezone.localdate(), last=timezone.localdate())
        with server() as box:
            for name in (f"{folder}/Processed", f"{folder}/Failed", folder):
                if box.folder.exists(name):
                    box.folder.delete(name)


if __name__ == "__main__":
    main()
