"""Thin Celery tasks for inbound: claim or fetch by id, call the poll service; safe twice."""

from smtplib import SMTPException

from celery import shared_task

from itsm.services.notifications import SendBusy


def _summary(result) -> dict:
    return {"mailbox": result.mailbox, "busy": result.busy, "fetched": result.fetched,
            "moved": result.moved, "error": result.error}


@shared_task(acks_late=True, expires=14, ignore_result=True)
def poll_due() -> list[dict]:
    """Beat, every 15 s: poll each enabled mailbox whose `next_poll_at` has come.

    Run twice or redelivered, the second run finds the mailboxes leased or not yet due;
    a run killed mid-batch leaves its lease to run out, and the messages it committed are
    found again by UID and Message-ID and only moved (services/poll.py)."""
    from inbound.services.poll import mailboxes_poll_due

    return [_summary(result) for result in mailboxes_poll_due()]


@shared_task(acks_late=True, expires=300, ignore_result=True)
def poll_mailbox(mailbox_id: int) -> dict | None:
    """One poll of one mailbox now (an admin's "poll now"); gone or leased, it does nothing."""
    from inbound.models import Mailbox
    from inbound.services.poll import mailbox_poll

    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    return _summary(mailbox_poll(mailbox=mailbox)) if mailbox else None


@shared_task(acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError,
                                            SendBusy),
             retry_backoff=30, retry_backoff_max=600, max_retries=8, ignore_result=True)
def send_refusal(message_id: int) -> bool:
    """The refusal an unknown sender gets (keyed per address and hour: safe twice)."""
    from inbound.models import InboundMessage
    from inbound.services.refusals import message_refusal_send

    message = InboundMessage.objects.select_related("mailbox").filter(pk=message_id).first()
    return bool(message) and message_refusal_send(message=message)
