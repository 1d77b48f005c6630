"""Plans: pausing, rescheduling and deleting, with the clock passed in."""

import pytest
from django.core.exceptions import PermissionDenied

from maintenance import services
from maintenance.models import MaintenancePlan, Occurrence
from maintenance.services import generation
from tests.maintenance.conftest import utc
from tickets.models import Kind, Ticket


def test_a_resumed_plan_starts_again_from_the_moment_given(plan, dee):
    services.plan_set_active(plan=plan, active=False, actor=dee, now=utc(2026, 3, 1, 13))
    plan = services.plan_set_active(plan=plan, active=True, actor=dee, now=utc(2026, 3, 20))
    assert plan.next_occurrence_at == utc(2026, 3, 23, 8, 0)  # Monday 09:00 in Berlin
    assert plan.updated_at == utc(2026, 3, 20)


def test_rescheduling_points_at_the_next_moment_after_now(plan):
    plan = services.plan_reschedule(plan=plan, now=utc(2026, 3, 10))
    assert plan.next_occurrence_at == utc(2026, 3, 16, 8, 0)
    assert plan.next_generate_at == utc(2026, 3, 14, 8, 0)


def test_deleting_a_plan_keeps_the_work_items_it_created(plan, dee):
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    services.plan_delete(plan=plan, actor=dee)
    assert not MaintenancePlan.objects.exists() and not Occurrence.objects.exists()
    assert Ticket.objects.filter(kind=Kind.MAINTENANCE).count() == 1


def test_only_support_engineers_delete_plans(plan, manny):
    with pytest.raises(PermissionDenied):
        services.plan_delete(plan=plan, actor=manny)
    assert MaintenancePlan.objects.exists()
