"""E-mail delivery that is safe under at-least-once task execution.

A message is identified by a key (e.g. "reply:1234"). A worker claims the key with a
guarded UPDATE just before sending: the claim is a lease of TEND_LEASE_SECONDS. A
retried or duplicated task finds the key sent (and does nothing) or under a live lease
(and is told so with SendBusy, so the caller keeps its work item for a later run). A
lease left by a worker killed mid-send expires and whoever finds it takes it over and
sends, so the mail is retried rather than lost.

SMTP has no idempotency: a worker killed between the server accepting a mail and the
`sent_at` update leaves a lease that is taken over, and the mail goes out again. Every
mail carries a Message-ID derived from its key, so such a duplicate is the same message
to the recipient's mail client and recognisable in the log (the takeover is noted).
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from itsm.models import NotificationLog

TAKEN_OVER = ("Sent after taking over an expired claim: if the earlier attempt reached "
              "the mail server, the recipient has two copies with Message-ID {}.")


# Mail Tend writes by itself: responders (out-of-office, other helpdesks) must not answer
# it (RFC 3834), and Exchange is asked not to send its automatic replies at all.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


class SendBusy(Exception):  # noqa: N818 (a state, not an error)
    """Another worker holds a live lease on this mail: keep the work, try after it ends."""


def lease() -> timedelta:
    """How long a claim on background work lasts before another worker may take it."""
    return timedelta(seconds=settings.TEND_LEASE_SECONDS)


def mail_subject(text: str) -> str:
    """One line, whatever the title held: every run of whitespace (line breaks, tabs,
    Unicode separators) becomes one space, so a header can never be refused or split."""
    return " ".join(str(text).split())


def message_id(key: str) -> str:
    """The stable Message-ID of the mail with this key: the same on every attempt."""
    domain = settings.TEND_MAIL_DOMAIN or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
    domain = domain.strip(" <>") or "tend.localdomain"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def notification_send_once(*, key: str, to: list[str], subject: str, template: str,
                           context: dict, cc: list[str] = (), headers: dict | None = None,
                           now: datetime | None = None) -> bool:
    """Send one e-mail unless the key was already sent. Returns True if it sent now,
    False if it had been sent (or there is nobody to send it to); raises SendBusy while
    another worker's lease on it is live.

    `headers` are added to the mail (threading, Reply-To); every mail says it is
    `Auto-Submitted: auto-generated` (RFC 3834) so that responders do not answer it.
    `now` is when the claim is taken; `sent_at` is the real moment the mail went out."""
    to = sorted({address for address in to if address})
    cc = sorted({address for address in cc if address and address not in to})
    if not to:
        return False
    subject = mail_subject(subject)
    entry, _ = NotificationLog.objects.get_or_create(
        key=key, defaults={"recipients": ", ".join(to + cc)[:2000], "subject": subject[:255]})
    if entry.sent_at is not None:
        return False
    now = now or timezone.now()
    claimed = NotificationLog.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease()),
        pk=entry.pk, sent_at__isnull=True,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        if NotificationLog.objects.filter(pk=entry.pk, sent_at__isnull=False).exists():
            return False
        raise SendBusy(key)
    # A claim still standing (not released by a failed send) belonged to a worker that
    # died after claiming: it may or may not have reached the mail server.
    taken_over = entry.claimed_at is not None
    mid = message_id(key)
    extra = dict(headers or {})
    reply_to = extra.pop("Reply-To", "")
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"email/{template}.txt", context), to=to,
        cc=cc, reply_to=[reply_to] if reply_to else None,
        headers={**AUTOMATIC_HEADERS, **extra, "Message-ID": mid})
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as exc:  # recorded for the admin, claim released, Celery retries
        NotificationLog.objects.filter(pk=entry.pk).update(
            claimed_at=None, last_error=str(exc)[:2000])
        raise
    NotificationLog.objects.filter(pk=entry.pk).update(
        sent_at=timezone.now(), last_error=TAKEN_OVER.format(mid) if taken_over else "")
    return True
