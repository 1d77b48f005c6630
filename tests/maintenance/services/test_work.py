"""Working a maintenance checklist: ticking steps and raising incidents from failed ones."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maintenance import services
from maintenance.models import StepIncident
from maintenance.services import generation
from tests.maintenance.conftest import utc
from tickets.models import Kind, Source, Status, Ticket

NOW = utc(2026, 3, 1, 12)


@pytest.fixture
def task(plan):
    generation.occurrences_generate(now=NOW)
    return Ticket.objects.get(kind=Kind.MAINTENANCE)


def step(task, n):
    return task.checklist.select_related("ticket").get(position=n)


def test_the_first_tick_starts_the_work(task, dee):
    services.work_step_tick(item=step(task, 1), actor=dee, done=True, now=NOW)
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    assert step(task, 1).done_by == dee


def test_a_refused_tick_leaves_the_work_item_new(task, dee):
    with pytest.raises(ValidationError):  # step 2 asks for a pass/fail result
        services.work_step_tick(item=step(task, 2), actor=dee, done=True, now=NOW)
    task.refresh_from_db()
    assert task.status == Status.NEW and step(task, 2).done_at is None


def test_a_failed_step_raises_one_incident_linked_to_the_work_item(task, dee):
    services.work_step_tick(item=step(task, 2), actor=dee, done=True, result="fail",
                            note="Restore hung", now=NOW)
    link, raised = services.step_incident_raise(item=step(task, 2), actor=dee, now=NOW)
    again, raised_again = services.step_incident_raise(item=step(task, 2), actor=dee, now=NOW)
    assert (raised, raised_again) == (True, False) and again.pk == link.pk
    incident = link.incident
    assert (incident.kind, incident.source, incident.parent) == (
        Kind.INCIDENT, Source.MAINTENANCE, task)
    assert incident.title == "Failed: Restore one file to a scratch folder"
    assert "Note on the step: Restore hung" in incident.description
    assert incident.asset == task.asset and incident.team == task.team
    assert Ticket.objects.filter(kind=Kind.INCIDENT).count() == 1
    assert StepIncident.objects.get().created_at == NOW
    assert task.events.filter(action="notice", message__contains=incident.ref).count() == 1


def test_a_step_that_did_not_fail_raises_nothing(task, dee):
    services.work_step_tick(item=step(task, 2), actor=dee, done=True, result="pass", now=NOW)
    with pytest.raises(ValidationError) as error:
        services.step_incident_raise(item=step(task, 2), actor=dee, now=NOW)
    assert error.value.message_dict == {"result": ["Only a failed step can raise an incident."]}
    assert not Ticket.objects.filter(kind=Kind.INCIDENT).exists()


def test_only_support_engineers_work_the_checklist(task, manny):
    with pytest.raises(PermissionDenied):
        services.work_step_tick(item=step(task, 1), actor=manny, done=True, now=NOW)
