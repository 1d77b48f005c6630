"""Who gets mail, exactly once, and a real Celery worker on Redis delivering it."""

import time

import pytest
from django.core import mail

from itsm.models import NotificationLog
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status
from tickets.tasks import send_ticket_notification


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_public_reply_mails_the_requester_but_a_note_mails_nobody(
        alice, dee, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, author=dee, body="Internal only", internal=True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, author=dee, body="We are on it")
    assert _recipients() == ["alice@example.com"]
    assert "We are on it" in mail.outbox[0].body


def test_the_requesters_answer_mails_the_assignee(alice, dee, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice, assignee=dee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, author=alice, body="Here is the screenshot")
    assert _recipients() == ["dee@example.com"]


def test_assignment_and_resolution_mail_the_right_people(
        alice, dee, dan, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_update(ticket=ticket, actor=dee, assignee=dan)
    assert _recipients() == ["dan@example.com"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_transition(ticket=ticket, actor=dan, to=Status.RESOLVED)
    assert _recipients() == ["alice@example.com"]
    assert "Resolved" in mail.outbox[0].subject


def test_running_a_notification_task_twice_sends_one_mail(alice, dee):
    ticket = make_ticket(alice)
    comment = services.comment_add(ticket=ticket, author=dee, body="Done")
    mail.outbox.clear()
    send_ticket_notification("reply", ticket.pk, comment.pk)
    send_ticket_notification("reply", ticket.pk, comment.pk)
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.get(key=f"reply:{comment.pk}").sent_at is not None


def test_a_failed_send_releases_the_claim_so_a_retry_sends(alice, dee, monkeypatch):
    ticket = make_ticket(alice)
    comment = services.comment_add(ticket=ticket, author=dee, body="Done")
    mail.outbox.clear()

    def broken_send(self, fail_silently=False):
        raise ConnectionError("SMTP server went away")

    from django.core.mail import EmailMultiAlternatives

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", broken_send)
        with pytest.raises(ConnectionError):
            send_ticket_notification.run("reply", ticket.pk, comment.pk)
    log = NotificationLog.objects.get(key=f"reply:{comment.pk}")
    assert log.sent_at is None and "went away" in log.last_error
    send_ticket_notification.run("reply", ticket.pk, comment.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_on_redis_delivers_the_mail_after_commit(redis_url, settings, team):
    """End to end through the broker: service commits → task on Redis → worker → mail."""
    from celery.contrib.testing.worker import start_worker

    from itsm.celery import app
    from tests.factories import UserFactory

    alice = UserFactory(username="alice", role="End user")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(broker_url=redis_url, task_always_eager=False, result_backend=None)
    app.conf.broker_transport_options = {}
    mail.outbox.clear()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            ticket = make_ticket(alice)
            deadline = time.monotonic() + 20
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        app.conf.update(task_always_eager=True)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert ticket.ref in mail.outbox[0].subject
