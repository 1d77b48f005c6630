"""checklist_tick and checklists on work items: order, rules for resolving, who may tick."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket
from tickets import services
from tickets.models import ChecklistItem, Kind, Status

STEPS = [{"text": "Check the backup job log"},
         {"text": "Restore one file to a scratch folder", "requires_result": True},
         {"text": "Note the restore time", "requires_note": True}]


@pytest.fixture
def task(alice):
    return make_ticket(alice, kind=Kind.MAINTENANCE, checklist=STEPS)


def test_a_work_item_carries_its_checklist_in_order(task):
    assert list(task.checklist.values_list("position", "text")) == [
        (1, "Check the backup job log"), (2, "Restore one file to a scratch folder"),
        (3, "Note the restore time")]


def test_it_cannot_be_resolved_until_every_step_is_done(task, dee):
    with pytest.raises(ValidationError, match="3 checklist steps still open"):
        services.ticket_transition(ticket=task, actor=dee, to=Status.RESOLVED)
    first, second, third = task.checklist.all()
    services.checklist_tick(item=first, actor=dee)
    with pytest.raises(ValidationError) as error:
        services.checklist_tick(item=second, actor=dee)
    assert "result" in error.value.message_dict
    services.checklist_tick(item=second, actor=dee, result=ChecklistItem.Result.FAIL)
    with pytest.raises(ValidationError) as error:
        services.checklist_tick(item=third, actor=dee)
    assert "note" in error.value.message_dict
    services.checklist_tick(item=third, actor=dee, note="4 min 10 s")
    services.ticket_transition(ticket=task, actor=dee, to=Status.RESOLVED)
    task.refresh_from_db()
    assert task.status == Status.RESOLVED
    messages = list(task.events.filter(action="checklist").values_list("message", flat=True))
    assert "Restore one file to a scratch folder — Fail" in messages


def test_an_incident_raised_from_a_work_item_links_back(task, dee):
    incident = make_ticket(task.requester, parent=task, title="Restore failed",
                           actor=dee)
    assert list(task.follow_ups.all()) == [incident]


def test_end_users_cannot_tick_steps(task, alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.checklist_tick(item=task.checklist.first(), actor=alice)


def test_a_notice_from_tend_lands_on_the_timeline(task):
    services.ticket_notice(ticket=task, message="Back up after 12 min of downtime")
    event = task.events.last()
    assert (event.actor, event.action, event.message) == (
        None, "notice", "Back up after 12 min of downtime")


def test_ticking_and_unticking_a_step_writes_who_when_and_a_timeline_entry(task, dee):
    from datetime import timedelta

    from django.utils import timezone

    first = task.checklist.first()
    now = timezone.now() + timedelta(minutes=10)
    services.checklist_tick(item=first, actor=dee, note=" looked fine ", now=now)
    first.refresh_from_db()
    assert (first.done_at, first.done_by, first.note) == (now, dee, "looked fine")
    services.checklist_tick(item=first, actor=dee, done=False)
    first.refresh_from_db()
    assert (first.done_at, first.done_by, first.result) == (None, None, "")
    ticks = list(task.events.filter(action="checklist").order_by("id")
                 .values_list("field", "new_value", "message"))
    assert ticks == [("step 1", "done", "Check the backup job log: looked fine"),
                     ("step 1", "reopened", "Check the backup job log")]
    assert task.events.filter(action="checklist").order_by("id")[0].at == now


def test_a_closed_work_item_refuses_ticks(task, dee):
    services.ticket_transition(ticket=task, actor=dee, to=Status.CANCELLED)
    with pytest.raises(ValidationError) as error:
        services.checklist_tick(item=task.checklist.first(), actor=dee)
    assert list(error.value.message_dict) == ["checklist"]
    assert not task.checklist.filter(done_at__isnull=False).exists()
