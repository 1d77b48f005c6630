"""Thin Celery tasks for reports. Safe to run twice: notification_send_once keys each
(user, week)."""

from smtplib import SMTPException

from celery import shared_task

from itsm.services.notifications import SendBusy


@shared_task(acks_late=True, expires=6 * 3600,
             autoretry_for=(SMTPException, ConnectionError, TimeoutError, SendBusy),
             retry_backoff=60, retry_backoff_max=1800, max_retries=6)
def send_weekly_summaries() -> int:
    from reports.services.weekly import weekly_summaries_send

    return weekly_summaries_send()
