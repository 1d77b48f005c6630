"""Admin configuration: every maintenance model is registered and saves by the rules."""

import pytest
from django.urls import reverse

from maintenance.models import (
    Advisory,
    AssetPatch,
    MaintenancePlan,
    MaintenanceWindow,
    Occurrence,
    PatchPolicy,
    Software,
)

MODELS = [MaintenancePlan, Occurrence, MaintenanceWindow, Advisory, AssetPatch, Software,
          PatchPolicy]


@pytest.mark.parametrize("model", MODELS)
def test_admins_see_every_maintenance_changelist(client_for, ada, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client_for(ada).get(url).status_code == 200


def test_a_plan_added_in_the_admin_gets_its_next_occurrence(client_for, ada, team):
    response = client_for(ada).post(reverse("admin:maintenance_maintenanceplan_add"), {
        "title": "Rotate backup tapes", "kind": "preventive", "rrule": "FREQ=WEEKLY;BYDAY=WE",
        "starts_on": "2026-03-01", "at_time": "16:00", "time_zone": "Europe/London",
        "expected_duration": "00:30:00", "lead_time": "2 00:00:00", "priority": 3,
        "is_active": "on", "team": team.pk,
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0", "steps-0-position": "1",
        "steps-0-text": "Swap the tape"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = MaintenancePlan.objects.get()
    assert plan.next_occurrence_at is not None and plan.created_by == ada
    assert plan.steps.get().text == "Swap the tape"


def test_a_bad_rule_in_the_admin_is_a_form_error(client_for, ada):
    response = client_for(ada).post(reverse("admin:maintenance_maintenanceplan_add"), {
        "title": "Never", "kind": "other", "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",
        "starts_on": "2026-03-01", "at_time": "16:00", "time_zone": "UTC",
        "expected_duration": "00:30:00", "lead_time": "2 00:00:00", "priority": 3,
        "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "no date in the ten years" in response.content.decode()
    assert not MaintenancePlan.objects.exists()


def test_the_policy_is_one_row_with_the_default_deadlines(db):
    policy = PatchPolicy.current()
    assert (policy.critical_days, policy.high_days, policy.medium_days, policy.low_days) == (
        7, 30, 90, 180)
    assert PatchPolicy.current().pk == policy.pk == 1


@pytest.mark.parametrize("name, manager_status", [("maintenance:asset", 200),
                                                   ("maintenance:window_edit", 403)])
def test_detail_pages_by_role(client_for, alice, manny, dee, asset, name, manager_status):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    window = MaintenanceWindow.objects.create(reason="x", starts_at=now,
                                              ends_at=now + timedelta(hours=1))
    pk = asset.pk if name == "maintenance:asset" else window.pk
    url = reverse(name, args=[pk])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(manny).get(url).status_code == manager_status
    assert client_for(dee).get(url).status_code == 200
    if name == "maintenance:window_edit":
        assert client_for(manny).post(reverse("maintenance:window_delete", args=[pk])
                                      ).status_code == 403
