"""E-mail delivery that is safe under at-least-once task execution.

A message is identified by a key (e.g. "reply:1234"). A worker claims the key with a
guarded UPDATE before sending; a retried or duplicated task finds it claimed or sent
and does nothing. A claim left by a worker killed mid-send expires, so the mail is
retried rather than lost.
"""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from itsm.models import NotificationLog

CLAIM_TIMEOUT = timedelta(minutes=10)


def send_once(*, key: str, to: list[str], subject: str, template: str, context: dict) -> bool:
    """Send one e-mail unless the key was already sent. Returns True if it sent now."""
    to = sorted({address for address in to if address})
    if not to:
        return False
    entry, _ = NotificationLog.objects.get_or_create(
        key=key, defaults={"recipients": ", ".join(to), "subject": subject[:255]})
    now = timezone.now()
    claimed = NotificationLog.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        pk=entry.pk, sent_at__isnull=True,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"email/{template}.txt", context), to=to)
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as exc:  # recorded for the admin, claim released, Celery retries
        NotificationLog.objects.filter(pk=entry.pk).update(
            claimed_at=None, last_error=str(exc)[:2000])
        raise
    NotificationLog.objects.filter(pk=entry.pk).update(sent_at=timezone.now(), last_error="")
    return True
