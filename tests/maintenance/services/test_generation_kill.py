"""SIGKILL a real worker mid-way through the generation sweep: the plans of the batch it
was in come back with its connection's locks, half-written rows never commit, and the
next sweep makes exactly one occurrence, work item and window per (plan, occurrence)."""

from collections import Counter
from datetime import time, timedelta

import pytest
from django.utils import timezone

from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence
from maintenance.services import generation
from tests.killing import Broker, kill, worker_process, writing_transactions
from tests.maintenance.conftest import make_plan
from tests.waiting import wait_for
from tickets.models import Kind, Ticket

TASK = "maintenance.tasks.generate_work"
PLANS = generation.BATCH + 5  # one batch commits, the kill lands in the second
EACH = 2  # occurrences per plan inside the lead time


def due_plans() -> int:
    return MaintenancePlan.objects.filter(next_generate_at__lte=timezone.now()).count()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_killed_mid_batch_generates_each_occurrence_once(
        redis_url, postgres, dee, team, service, tmp_path):
    tomorrow = (timezone.now() + timedelta(days=1)).date()
    plans = [make_plan(dee, at=timezone.now(), title=f"Patch round {n}", team=team,
                       services_=[service], creates_window=True, rrule=f"FREQ=DAILY;COUNT={EACH}",
                       starts_on=tomorrow, at_time=time(9, 0), time_zone="UTC",
                       lead_time=timedelta(days=7))
             for n in range(PLANS)]
    assert due_plans() == PLANS
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    broker = Broker(redis_url)
    # Each work item's ticket takes a while, inside its plan's transaction. (Mail about
    # the new tickets goes out at once: it queues before the sweeps.)
    worker = {"redis_url": redis_url, "mail_dir": mail_dir, "delay": 0}
    slow = {"TEND_TEST_SLOW_SAVES": "tickets.Ticket:0.1"}
    try:
        with worker_process(**worker, env=slow) as first:
            broker.send(TASK)

            def a_batch_committed_and_the_next_half_written():
                return (Occurrence.objects.count() == generation.BATCH * EACH
                        and writing_transactions())

            wait_for(a_batch_committed_and_the_next_half_written, every=0.02)
            kill(first)
        # The first batch is whole; of the second nothing is left, and its plans are due.
        assert Occurrence.objects.count() == generation.BATCH * EACH
        assert Ticket.objects.filter(kind=Kind.MAINTENANCE).count() == generation.BATCH * EACH
        assert not Occurrence.objects.filter(ticket__isnull=True).exists()
        assert due_plans() == PLANS - generation.BATCH

        with worker_process(**worker):

            def no_plan_due():  # as beat would, sweep again and again
                broker.send(TASK)
                return due_plans() == 0

            wait_for(no_plan_due, seconds=20, every=0.5)
    finally:
        broker.close()
    occurrences = Occurrence.objects.filter(plan__in=plans)
    per_plan = Counter(occurrences.values_list("plan_id", flat=True))
    assert per_plan == {plan.pk: EACH for plan in plans}
    assert occurrences.values("plan_id", "scheduled_for").distinct().count() == PLANS * EACH
    tickets = Ticket.objects.filter(kind=Kind.MAINTENANCE)
    assert tickets.count() == PLANS * EACH
    assert set(occurrences.values_list("ticket_id", flat=True)) == set(
        tickets.values_list("pk", flat=True))
    assert MaintenanceWindow.objects.count() == PLANS * EACH
    assert set(MaintenanceWindow.objects.values_list("occurrence_id", flat=True)) == set(
        occurrences.values_list("pk", flat=True))
    assert not MaintenancePlan.objects.exclude(generation_error="").exists()
    assert not MaintenancePlan.objects.filter(next_generate_at__isnull=False).exists()
