"""The generation sweep: each occurrence inside its lead time becomes one work item."""

from datetime import timedelta

import pytest
import time_machine

from maintenance import services
from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence
from maintenance.services import generation
from tests.concurrency import at_once
from tests.factories import TeamFactory, UserFactory
from tests.maintenance.conftest import make_plan, utc
from tests.waiting import real_worker, wait_for
from tickets import services as tickets
from tickets.models import Kind, Source, Status, Ticket


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return generation.occurrences_generate()


def test_a_new_plan_points_at_its_next_occurrence_minus_the_lead_time(plan):
    assert plan.next_occurrence_at == utc(2026, 3, 2, 8, 0)  # Monday 09:00 in Berlin
    assert plan.next_generate_at == utc(2026, 2, 28, 8, 0)


def test_nothing_is_generated_before_the_lead_time(dee, team):
    plan = make_plan(dee, team=team, starts_on=utc(2026, 3, 9).date())
    assert sweep_at(utc(2026, 3, 7, 7, 59))["generated"] == 0
    assert not Ticket.objects.exists()
    assert sweep_at(utc(2026, 3, 7, 8, 0))["generated"] == 1
    plan.refresh_from_db()
    assert plan.next_occurrence_at == utc(2026, 3, 16, 8, 0)


def test_the_work_item_carries_the_plan(plan, asset, team, service):
    sweep_at(utc(2026, 3, 1, 12, 0))
    ticket = Ticket.objects.get()
    assert ticket.ref == f"MNT-{ticket.number}"
    assert (ticket.kind, ticket.source) == (Kind.MAINTENANCE, Source.MAINTENANCE)
    assert ticket.due_at == utc(2026, 3, 2, 8, 0)
    assert (ticket.team, ticket.asset, ticket.service) == (team, asset, service)
    assert ticket.priority == plan.priority
    assert ticket.requester.username == "tend" and not ticket.requester.is_active
    assert list(ticket.checklist.values_list("text", "requires_result", "requires_note")) == [
        ("Check the backup job log", False, False),
        ("Restore one file to a scratch folder", True, False),
        ("Note the restore time", False, True)]
    assert "Mon 2 Mar 2026, 09:00" in ticket.title
    assert ticket.maintenance_occurrence.plan == plan


def test_repeated_sweeps_create_each_work_item_once(plan):
    moment = utc(2026, 3, 1, 12, 0)
    for _ in range(30):  # every hour for three weeks, plus repeats at the same moment
        sweep_at(moment)
        sweep_at(moment)
        moment += timedelta(hours=17)
    due = sorted(Ticket.objects.values_list("due_at", flat=True))
    assert due == [utc(2026, 3, 2, 8), utc(2026, 3, 9, 8), utc(2026, 3, 16, 8),
                   utc(2026, 3, 23, 8)]
    assert Occurrence.objects.count() == 4


def test_a_sweep_that_dies_mid_way_leaves_nothing_half_done(plan, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(generation.tickets, "ticket_create", crash)
        assert sweep_at(utc(2026, 3, 1, 12, 0))["failed"] == 1
    plan.refresh_from_db()
    assert "worker killed" in plan.generation_error
    assert not Occurrence.objects.exists() and not Ticket.objects.exists()
    assert sweep_at(utc(2026, 3, 1, 12, 1))["generated"] == 1
    plan.refresh_from_db()
    assert plan.generation_error == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_create_each_work_item_once(postgres):
    dee = UserFactory(username="dee", role="DSE")
    team = TeamFactory(name="Service Desk")
    team.members.add(dee)
    for n in range(25):
        make_plan(dee, title=f"Plan {n}", team=team, rrule="FREQ=DAILY",
                  lead_time=timedelta(days=3))
    results, errors = at_once(lambda: generation.occurrences_generate(now=utc(2026, 3, 1, 12, 0),
                                                              batch=3))
    assert not errors
    # Each plan: Mon 2, Tue 3, Wed 4 March at 09:00 Berlin are within three days of Sunday.
    assert sum(r["generated"] for r in results) == 75
    assert Ticket.objects.filter(kind=Kind.MAINTENANCE).count() == 75
    assert Occurrence.objects.count() == 75


def test_skipping_an_upcoming_occurrence_keeps_the_reason_and_creates_nothing(plan, dee):
    sweep_at(utc(2026, 3, 1, 12, 0))
    with time_machine.travel(utc(2026, 3, 3), tick=False):
        skipped = services.occurrence_skip(plan=plan, scheduled_for=utc(2026, 3, 9, 8, 0),
                                           actor=dee, reason="Backup server replaced")
    assert (skipped.status, skipped.reason, skipped.changed_by) == (
        Occurrence.Status.SKIPPED, "Backup server replaced", dee)
    sweep_at(utc(2026, 3, 8, 12, 0))
    assert Ticket.objects.count() == 1
    assert skipped.changes.get().reason == "Backup server replaced"


def test_skipping_a_generated_occurrence_cancels_its_work_item_with_the_reason(plan, dee):
    sweep_at(utc(2026, 3, 1, 12, 0))
    with time_machine.travel(utc(2026, 3, 1, 13), tick=False):
        services.occurrence_skip(plan=plan, scheduled_for=utc(2026, 3, 2, 8, 0), actor=dee,
                                 reason="Public holiday")
    ticket = Ticket.objects.get()
    assert ticket.status == Status.CANCELLED
    assert ticket.comments.get().body == "Skipped: Public holiday"


def test_a_skip_needs_a_reason_and_a_real_occurrence(plan, dee):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.occurrence_skip(plan=plan, scheduled_for=utc(2026, 3, 9, 8), actor=dee,
                                 reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.occurrence_skip(plan=plan, scheduled_for=utc(2026, 3, 9, 9), actor=dee,
                                 reason="x")
    assert "scheduled_for" in error.value.message_dict


def test_a_moved_occurrence_generates_at_its_new_time(plan, dee):
    with time_machine.travel(utc(2026, 3, 3), tick=False):
        moved = services.occurrence_move(plan=plan, scheduled_for=utc(2026, 3, 9, 8, 0),
                                         to=utc(2026, 3, 20, 13, 0), actor=dee,
                                         reason="Vendor on site that Friday")
    assert moved.generate_at == utc(2026, 3, 18, 13, 0)
    sweep_at(utc(2026, 3, 8, 12, 0))  # the original moment is in reach: nothing for it
    assert not Ticket.objects.filter(due_at=utc(2026, 3, 9, 8)).exists()
    sweep_at(utc(2026, 3, 18, 13, 0))
    ticket = Ticket.objects.get(due_at=utc(2026, 3, 20, 13, 0))
    moved.refresh_from_db()
    assert (moved.status, moved.ticket) == (Occurrence.Status.GENERATED, ticket)
    assert "Moved from 2026-03-09 09:00: Vendor on site that Friday" in ticket.description
    assert moved.changes.get().to_at == utc(2026, 3, 20, 13, 0)


def test_moving_a_generated_item_replaces_it_unless_work_started(plan, dee):
    from django.core.exceptions import ValidationError

    sweep_at(utc(2026, 3, 1, 12, 0))
    first = Ticket.objects.get()
    with time_machine.travel(utc(2026, 3, 1, 13), tick=False):
        services.occurrence_move(plan=plan, scheduled_for=utc(2026, 3, 2, 8), actor=dee,
                                 to=utc(2026, 3, 3, 8), reason="Change freeze on Monday")
    first.refresh_from_db()
    assert first.status == Status.CANCELLED
    sweep_at(utc(2026, 3, 1, 13, 1))
    second = Ticket.objects.exclude(pk=first.pk).get()
    assert second.due_at == utc(2026, 3, 3, 8)
    tickets.ticket_transition(ticket=second, actor=dee, to=Status.IN_PROGRESS)
    with time_machine.travel(utc(2026, 3, 1, 14), tick=False), pytest.raises(ValidationError):
        services.occurrence_move(plan=plan, scheduled_for=utc(2026, 3, 2, 8), actor=dee,
                                 to=utc(2026, 3, 4, 8), reason="Again")


def test_after_downtime_only_the_latest_missed_occurrence_becomes_work(dee, team):
    plan = make_plan(dee, team=team, rrule="FREQ=DAILY", lead_time=timedelta(hours=1))
    counts = sweep_at(utc(2026, 3, 6, 12, 0))  # Tend was down Monday to Friday noon
    assert (counts["generated"], counts["missed"]) == (1, 4)
    assert Ticket.objects.get().due_at == utc(2026, 3, 6, 8, 0)
    missed = plan.occurrences.filter(status=Occurrence.Status.SKIPPED)
    assert missed.count() == 4
    assert all(o.reason.startswith("Missed") for o in missed)


def test_a_paused_plan_generates_nothing_and_resumes_from_now(plan, dee):
    with time_machine.travel(utc(2026, 2, 27), tick=False):
        services.plan_set_active(plan=plan, active=False, actor=dee)
    assert sweep_at(utc(2026, 3, 10))["generated"] == 0
    with time_machine.travel(utc(2026, 3, 10, 12), tick=False):
        plan = services.plan_set_active(plan=plan, active=True, actor=dee)
    assert plan.next_occurrence_at == utc(2026, 3, 16, 8, 0)


def test_a_default_assignee_who_left_the_team_leaves_the_item_unassigned_with_a_note(
        dee, dan, team):
    plan = make_plan(dee, team=team, assignee=dan)
    team.members.remove(dan)
    sweep_at(utc(2026, 3, 1, 12, 0))
    ticket = Ticket.objects.get()
    assert ticket.assignee is None
    assert "default assignee was not set" in ticket.events.get(action="notice").message
    assert plan.occurrences.count() == 1


def test_a_plan_that_creates_windows_announces_each_occurrence(dee, team, asset, service):
    make_plan(dee, team=team, assets=[asset], services_=[service], creates_window=True,
              expected_duration=timedelta(minutes=90))
    sweep_at(utc(2026, 3, 1, 12, 0))
    window = MaintenanceWindow.objects.get()
    assert (window.starts_at, window.ends_at) == (utc(2026, 3, 2, 8), utc(2026, 3, 2, 9, 30))
    assert list(window.assets.all()) == [asset] and list(window.services.all()) == [service]
    assert window.ticket == Ticket.objects.get()


def test_a_finite_rule_stops_generating_when_it_runs_out(dee, team):
    plan = make_plan(dee, team=team, rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=2")
    sweep_at(utc(2026, 3, 1, 12))
    sweep_at(utc(2026, 3, 7, 12))
    plan.refresh_from_db()
    assert Ticket.objects.count() == 2
    assert (plan.next_occurrence_at, plan.next_generate_at) == (None, None)


def test_changing_the_schedule_keeps_what_was_generated(plan, dee):
    sweep_at(utc(2026, 3, 1, 12, 0))
    plan = MaintenancePlan.objects.get(pk=plan.pk)
    plan.rrule = "FREQ=WEEKLY;BYDAY=TU"
    with time_machine.travel(utc(2026, 3, 1, 12, 30), tick=False):
        services.plan_save(plan=plan, actor=dee)
    plan.refresh_from_db()
    assert plan.next_occurrence_at == utc(2026, 3, 3, 8, 0)
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_on_redis_runs_the_generation_task(redis_url, postgres):
    """Two deliveries through the broker: the first creates every due item, the second none."""
    from celery.app.backends import by_url
    from django.utils import timezone

    from itsm.config.celery import app
    from maintenance.tasks import generate_work

    dee = UserFactory(username="dee", role="DSE")
    team = TeamFactory(name="Service Desk")
    team.members.add(dee)
    now = timezone.now()  # a real worker runs on the real clock
    plan = make_plan(dee, team=team, rrule="FREQ=DAILY", lead_time=timedelta(days=3), at=now,
                     starts_on=now.date())
    # Due now: every daily moment from the next one up to the lead time ahead.
    due = [m for m in plan.schedule().preview(now, 5) if m - plan.lead_time <= now]
    backend_class, url = by_url(redis_url, app.loader)
    results = backend_class(app=app, url=url)
    with real_worker(redis_url, result_backend=redis_url):
        ids = [generate_work.apply_async(ignore_result=False).id for _ in range(2)]

        def both_deliveries_done():
            metas = [results.get_task_meta(task_id) for task_id in ids]
            return all(m["status"] == "SUCCESS" for m in metas) and [m["result"] for m in metas]

        first, second = wait_for(both_deliveries_done)
    assert first.get("generated") == len(due) and second.get("generated", 0) == 0
    generated = Occurrence.objects.filter(plan=plan, status="generated")
    assert sorted(generated.values_list("scheduled_for", flat=True)) == due
    assert Ticket.objects.filter(kind=Kind.MAINTENANCE).count() == len(due)
    assert not Occurrence.objects.filter(ticket=None, status="generated").exists()
