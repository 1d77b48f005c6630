"""The polite refusal an unknown sender gets: at most one an hour per address."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from inbound.models import InboundMessage, Outcome
from itsm.services.notifications import notification_send_once


def message_refusal_send(*, message: InboundMessage, now: datetime | None = None) -> bool:
    """Tell the sender of a refused message why; True if a mail went out now. The key is
    per address and hour, so a sender who keeps writing hears it once an hour."""
    if message.outcome != Outcome.REFUSED or not message.sender or message.is_automatic:
        return False
    now = now or timezone.now()
    mailbox = message.mailbox
    context = {"subject": message.subject or "(no subject)", "address": mailbox.address,
               "sender": message.sender,
               "portal_url": settings.TEND_BASE_URL.rstrip("/") + "/"}
    return notification_send_once(
        key=f"inbound-refused:{message.sender}:{now:%Y%m%d%H}", to=[message.sender],
        subject=f"Re: {message.subject or 'your mail'}", template="inbound_refused",
        context=context, now=now,
        headers={"In-Reply-To": message.message_id, "References": message.message_id,
                 "Auto-Submitted": "auto-replied", "Reply-To": mailbox.address})
