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
from maintenance.services import patching

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
    policy = patching.patch_policy_current()
    assert (policy.critical_days, policy.high_days, policy.medium_days, policy.low_days) == (
        7, 30, 90, 180)
    assert patching.patch_policy_current().pk == policy.pk == 1


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


def _window_post(client, **fields):
    data = {"reason": "Mail server upgrade", "details": "", "starts_at_0": "2026-03-07",
            "starts_at_1": "22:00:00", "ends_at_0": "2026-03-08", "ends_at_1": "00:00:00",
            **fields}
    return client.post(reverse("admin:maintenance_maintenancewindow_add"), data)


def test_a_window_added_in_the_admin_keeps_the_window_rules(client_for, ada, service):
    c = client_for(ada)
    response = _window_post(c)  # covers nothing
    assert response.status_code == 200
    assert "Choose the services or assets it affects." in response.content.decode()
    response = _window_post(c, services=[service.pk], ends_at_0="2026-04-30")
    assert "A window lasts at most 31 days." in response.content.decode()
    assert not MaintenanceWindow.objects.exists()
    response = _window_post(c, services=[service.pk])
    assert response.status_code == 302, response.content.decode()[:2000]
    window = MaintenanceWindow.objects.get()
    assert window.created_by == ada and list(window.services.all()) == [service]


def test_windows_and_plans_are_deleted_with_the_admin_bulk_action(client_for, ada, dee,
                                                                  service):
    from maintenance import services
    from tests.maintenance.conftest import make_plan

    plan = make_plan(dee)
    window = services.window_save(window=MaintenanceWindow(
        reason="x", starts_at=plan.next_occurrence_at,
        ends_at=plan.next_occurrence_at + plan.expected_duration), actor=dee,
        services=[service], assets=[])
    c = client_for(ada)
    for model, obj in (("maintenancewindow", window), ("maintenanceplan", plan)):
        response = c.post(reverse(f"admin:maintenance_{model}_changelist"), {
            "action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        assert response.status_code == 302
    assert not MaintenanceWindow.objects.exists() and not MaintenancePlan.objects.exists()


def _advisory_post(client, url, **fields):
    data = {"identifier": "DSA-5555-1", "title": "openssl", "severity": "high",
            "released_on": "2026-01-01", "cve_ids": "[]", "created_at_0": "2026-01-02",
            "created_at_1": "10:00:00", **fields}
    return client.post(url, data)


def test_advisories_in_the_admin_keep_the_rules_and_move_deadlines(client_for, ada, asset):
    from datetime import date, timedelta

    c = client_for(ada)
    add = reverse("admin:maintenance_advisory_add")
    response = _advisory_post(c, add, identifier="not an id")
    assert "Letters, digits and . _ : - only" in response.content.decode()
    assert _advisory_post(c, add).status_code == 302
    response = _advisory_post(c, add)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    advisory = Advisory.objects.get()
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=date(2026, 1, 31))
    change = reverse("admin:maintenance_advisory_change", args=[advisory.pk])
    assert _advisory_post(c, change, severity="critical").status_code == 302
    patch.refresh_from_db()
    assert patch.deadline == date(2026, 1, 1) + timedelta(days=7)


def test_every_tend_model_has_an_english_plural_in_the_admin():
    # Django's default plural adds an "s": "asset patchs", "policys". Every model of every
    # Tend app must read right.
    import re

    from django.apps import apps

    tend = {"itsm", "tickets", "maintenance", "monitoring", "reports", "demo"}
    wrong = [f"{model._meta.label}: {model._meta.verbose_name_plural}"
             for model in apps.get_models() if model._meta.app_label in tend
             and re.search(r"(ch|sh|ss|x|[^aeiou]y)s$", str(model._meta.verbose_name_plural))]
    assert wrong == []
