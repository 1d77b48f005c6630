"""Who gets mail, exactly once, and a real Celery worker on Redis delivering it."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from itsm.models import NotificationLog
from tests.factories import mail_settled, make_ticket
from tests.waiting import real_worker, wait_for
from tickets import services, tasks
from tickets.models import PendingNotification, Status
from tickets.services import notifications, outbox
from tickets.tasks import send_ticket_notification


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_public_reply_mails_the_requester_but_a_note_mails_nobody(
        alice, dee, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice)
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, actor=dee, body="Internal only", internal=True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, actor=dee, body="We are on it")
    assert _recipients() == ["alice@example.com"]
    assert "We are on it" in mail.outbox[0].body


def test_the_requesters_answer_mails_the_assignee(alice, dee, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice, assignee=dee)
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(ticket=ticket, actor=alice, body="Here is the screenshot")
    assert _recipients() == ["dee@example.com"]


def test_assignment_and_resolution_mail_the_right_people(
        alice, dee, dan, django_capture_on_commit_callbacks):
    ticket = make_ticket(alice)
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_update(ticket=ticket, actor=dee, assignee=dan)
    assert _recipients() == ["dan@example.com"]
    mail_settled()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_transition(ticket=ticket, actor=dan, to=Status.RESOLVED)
    assert _recipients() == ["alice@example.com"]
    assert "Resolved" in mail.outbox[0].subject


def _replies():
    return [m for m in mail.outbox if "New reply" in m.subject]


def test_a_notification_handled_twice_sends_one_mail(alice, dee):
    ticket = make_ticket(alice)
    comment = services.comment_add(ticket=ticket, actor=dee, body="Done")
    pending = list(PendingNotification.objects.all())
    outbox.notifications_send_pending()
    assert not PendingNotification.objects.exists()
    # A second sender that read the same rows before they were deleted, and a message
    # queued by a version before the outbox:
    for item in pending:
        notifications.notification_deliver(event=item.event, ticket_id=item.ticket_id,
                                           object_id=item.object_id)
    send_ticket_notification("reply", ticket.pk, comment.pk)
    assert len(_replies()) == 1
    assert NotificationLog.objects.get(key=f"reply:{comment.pk}").sent_at is not None


def test_a_failed_send_is_kept_and_sent_by_the_next_run(alice, dee, monkeypatch):
    ticket = make_ticket(alice)
    comment = services.comment_add(ticket=ticket, actor=dee, body="Done")

    def broken_send(self, fail_silently=False):
        raise ConnectionError("SMTP server went away")

    from django.core.mail import EmailMultiAlternatives

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", broken_send)
        assert outbox.notifications_send_pending() == 0
    kept = PendingNotification.objects.get(event="reply")
    assert kept.attempts == 1 and "went away" in kept.last_error
    log = NotificationLog.objects.get(key=f"reply:{comment.pk}")
    assert log.sent_at is None and "went away" in log.last_error
    outbox.notifications_send_pending()
    assert len(_replies()) == 1 and not PendingNotification.objects.exists()


def test_a_notification_that_keeps_failing_is_left_for_the_admin(alice, monkeypatch):
    make_ticket(alice)
    PendingNotification.objects.update(attempts=outbox.MAX_ATTEMPTS)
    assert outbox.notifications_send_pending() == 0
    assert mail.outbox == [] and PendingNotification.objects.count() == 1


def test_a_rolled_back_change_queues_nothing(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_ticket(alice)
        raise RuntimeError
    assert not PendingNotification.objects.exists()


def test_a_broker_outage_does_not_fail_the_change(
        alice, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down():
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.send_pending_notifications, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(alice)
    assert ticket.pk and PendingNotification.objects.filter(ticket=ticket).exists()
    assert cache.get(outbox.WAKE_KEY) is None  # the next commit tries to wake it again
    monkeypatch.undo()
    assert outbox.notifications_send_pending() >= 1  # beat's run
    assert not PendingNotification.objects.exists()


def test_many_commits_wake_the_sender_once_until_it_runs(db, monkeypatch):
    woken = []
    monkeypatch.setattr(tasks.send_pending_notifications, "delay", lambda: woken.append(1))
    outbox.outbox_wake()
    outbox.outbox_wake()
    assert woken == [1]
    # Running forgets the wake-up, so the next commit wakes again.
    outbox.notifications_send_pending()
    outbox.outbox_wake()
    assert woken == [1, 1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_on_redis_delivers_the_mail_after_commit(redis_url, settings, team):
    """End to end through the broker: service commits → task on Redis → worker → mail."""
    from tests.factories import UserFactory

    alice = UserFactory(username="alice", role="End user")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    mail_settled()

    def mail_sent_and_outbox_drained():
        return mail.outbox and not PendingNotification.objects.exists()

    with real_worker(redis_url, result_backend=None, broker_transport_options={}):
        ticket = make_ticket(alice)
        wait_for(mail_sent_and_outbox_drained)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert ticket.ref in mail.outbox[0].subject
