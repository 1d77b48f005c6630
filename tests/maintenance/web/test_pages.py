"""Desk pages: who may see and change what, what they show, and their query budgets."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from maintenance.models import MaintenancePlan, MaintenanceWindow, Occurrence
from maintenance.services import generation
from tests.factories import AssetFactory, ServiceFactory
from tests.maintenance.conftest import make_plan, utc
from tickets.models import Kind, Ticket

DESK_PAGES = ["maintenance:plans", "maintenance:plan_new", "maintenance:calendar",
              "maintenance:windows", "maintenance:window_new", "maintenance:compliance",
              "maintenance:overdue", "maintenance:assets"]
FORMS = {"maintenance:plan_new", "maintenance:window_new"}


@pytest.fixture
def window(dee, service):
    now = timezone.now()
    w = MaintenanceWindow.objects.create(reason="Mail server upgrade", starts_at=now,
                                         ends_at=now + timedelta(hours=2), created_by=dee)
    w.services.set([service])
    return w


@pytest.mark.parametrize("name", DESK_PAGES)
def test_end_users_get_403_on_every_desk_page(client_for, alice, name):
    assert client_for(alice).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", DESK_PAGES)
def test_managers_read_desk_pages_but_not_forms(client_for, manny, name):
    expected = 403 if name in FORMS else 200
    assert client_for(manny).get(reverse(name)).status_code == expected


@pytest.mark.parametrize("name", DESK_PAGES)
def test_support_engineers_see_every_desk_page(client_for, dee, name):
    response = client_for(dee).get(reverse(name))
    assert response.status_code == 200
    assert b"maintenance.css" in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("maintenance:plans"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("maintenance:public_windows")).status_code == 302


def test_plan_pages_for_each_role(client_for, plan, dee, manny, alice):
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    url = reverse("maintenance:plan", args=[plan.pk])
    assert client_for(alice).get(url).status_code == 403
    as_manager = client_for(manny).get(url)
    assert as_manager.status_code == 200
    assert b"Skip this occurrence" not in as_manager.content
    assert client_for(manny).get(reverse("maintenance:plan_edit", args=[plan.pk])
                                 ).status_code == 403
    posts = [("maintenance:plan_active", {"active": "0"}),
             ("maintenance:occurrence_skip", {"scheduled_for": "2026-03-09T08:00:00Z",
                                              "reason": "x"})]
    for name, data in posts:
        assert client_for(manny).post(reverse(name, args=[plan.pk]), data).status_code == 403
        assert client_for(alice).post(reverse(name, args=[plan.pk]), data).status_code == 403
    page = client_for(dee).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    work = Ticket.objects.get(kind=Kind.MAINTENANCE)
    assert "Skip this occurrence" in html and work.ref in html
    assert "Every week on Monday" in html


def test_a_plan_is_created_from_the_friendly_form(client_for, dee, team, asset):
    data = {"title": "Patch the mail servers", "kind": "patching", "instructions": "Reboot",
            "assets": [asset.pk], "team": team.pk, "assignee": dee.pk, "priority": 3,
            "is_active": "on", "duration_minutes": 90, "lead_days": 3,
            "repeat": "monthly_weekday", "interval": 1, "nth": "-1", "weekday": "FR",
            "starts_on": "2026-03-01", "at_time": "22:00", "time_zone": "Europe/Berlin",
            "step-a1-text": "Snapshot the VM", "step-b2-text": "Install updates",
            "step-b2-result": "on", "step-c3-text": ""}
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        response = client_for(dee).post(reverse("maintenance:plan_new"), data)
    plan = MaintenancePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.rrule == "FREQ=MONTHLY;BYDAY=-1FR"
    assert plan.next_occurrence_at == utc(2026, 3, 27, 21, 0)  # last Friday, 22:00 CET
    assert plan.expected_duration == timedelta(minutes=90)
    assert list(plan.steps.values_list("text", "requires_result")) == [
        ("Snapshot the VM", False), ("Install updates", True)]
    assert list(plan.assets.all()) == [asset]


def test_a_bad_rule_is_shown_on_the_form_and_nothing_is_saved(client_for, dee):
    data = {"title": "Odd", "kind": "other", "priority": 3, "duration_minutes": 60,
            "lead_days": 1, "repeat": "custom", "interval": 1, "custom_rule": "FREQ=SOMETIMES",
            "starts_on": "2026-03-01", "at_time": "09:00", "time_zone": "UTC"}
    response = client_for(dee).post(reverse("maintenance:plan_new"), data)
    assert response.status_code == 400
    assert "FREQ must be one of" in response.content.decode()
    assert not MaintenancePlan.objects.exists()


def test_the_preview_shows_the_next_five_dates_before_saving(client_for, dee):
    data = {"repeat": "monthly_day", "interval": 1, "month_day": "31",
            "starts_on": "2026-01-01", "at_time": "09:00", "time_zone": "Europe/Berlin"}
    with time_machine.travel(utc(2026, 1, 1), tick=False):
        response = client_for(dee).post(reverse("maintenance:plan_preview"), data,
                                        HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<li>") == 5
    assert "Saturday 31 January 2026, 09:00 CET" in html
    assert "Tuesday 31 March 2026, 09:00 CEST" in html  # February skipped, summer time
    assert "skipped (RFC 5545)" in html
    assert not MaintenancePlan.objects.exists()


def test_skip_and_move_from_the_plan_page(client_for, plan, dee):
    c = client_for(dee)
    with time_machine.travel(utc(2026, 3, 1, 12), tick=False):
        response = c.post(reverse("maintenance:occurrence_skip", args=[plan.pk]), {
            "scheduled_for": "2026-03-09T08:00:00+00:00", "reason": "Office closed"},
            follow=True)
        assert "is skipped" in response.content.decode()
        response = c.post(reverse("maintenance:occurrence_move", args=[plan.pk]), {
            "scheduled_for": "2026-03-16T08:00:00+00:00", "to": "2026-03-17T14:30",
            "reason": "Vendor visit"}, follow=True)
        assert "moved to Tue 17 Mar 2026, 14:30" in response.content.decode()
        response = c.post(reverse("maintenance:occurrence_move", args=[plan.pk]), {
            "scheduled_for": "2026-03-23T08:00:00+00:00", "to": "2020-01-01T10:00",
            "reason": "Oops"}, follow=True)
        assert "future" in response.content.decode()
    moved = Occurrence.objects.get(status=Occurrence.Status.MOVED)
    assert moved.due_at == utc(2026, 3, 17, 13, 30)  # 14:30 Berlin
    assert Occurrence.objects.get(status=Occurrence.Status.SKIPPED).reason == "Office closed"


def test_pausing_from_the_plan_page(client_for, plan, dee):
    response = client_for(dee).post(reverse("maintenance:plan_active", args=[plan.pk]),
                                    {"active": "0"}, follow=True)
    assert "paused" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_active and plan.next_generate_at is None


def test_the_calendar_shows_planned_generated_and_windows(client_for, plan, dee, window):
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))
    response = client_for(dee).get(reverse("maintenance:calendar") + "?start=2026-03-02")
    html = response.content.decode()
    assert response.status_code == 200
    assert Ticket.objects.get(kind=Kind.MAINTENANCE).ref in html  # generated
    assert html.count("Backup restore test") >= 5  # and four more planned Mondays
    assert "cal-planned" in html and "cal-generated" in html


def test_a_window_is_announced_from_the_desk(client_for, dee, service):
    response = client_for(dee).post(reverse("maintenance:window_new"), {
        "reason": "Firewall swap", "starts_at": "2026-04-01T22:00",
        "ends_at": "2026-04-01T23:30", "services": [service.pk]})
    assert response.status_code == 302
    window = MaintenanceWindow.objects.get()
    assert (window.created_by, list(window.services.all())) == (dee, [service])
    bad = client_for(dee).post(reverse("maintenance:window_new"), {
        "reason": "Backwards", "starts_at": "2026-04-01T22:00", "ends_at": "2026-04-01T21:00"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "The end must be after the start." in html
    assert "Choose the services or assets it affects." in html
    assert client_for(dee).post(reverse("maintenance:window_delete", args=[window.pk])
                                ).status_code == 302
    assert not MaintenanceWindow.objects.exists()


def test_end_users_see_planned_maintenance_of_their_services_first(client_for, alice,
                                                                   window):
    other = ServiceFactory(name="VPN")
    now = timezone.now()
    vpn = MaintenanceWindow.objects.create(reason="VPN concentrator reboot",
                                           starts_at=now + timedelta(days=1),
                                           ends_at=now + timedelta(days=1, hours=1))
    vpn.assets.set([AssetFactory(name="vpn-01", service=other)])
    from tests.factories import make_ticket

    make_ticket(alice, service=other)
    response = client_for(alice).get(reverse("maintenance:public_windows"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("VPN concentrator reboot") < html.index("Mail server upgrade")
    assert "Affects you" in html and "Affects: VPN" in html


def test_the_banner_names_the_users_services_only(rf, alice, bob, window):
    from maintenance.web.context_processors import banner
    from tests.factories import make_ticket

    other = ServiceFactory(name="VPN")
    make_ticket(alice, service=other)  # alice uses VPN only; bob has no tickets: sees all
    for user, shown in ((alice, False), (bob, True)):
        request = rf.get("/")
        request.user = user
        html = str(banner(request)["maintenance_banner"])
        assert ("Mail server upgrade" in html) is shown


def test_every_signed_in_page_shows_the_banner(client_for, bob, window):
    html = client_for(bob).get(reverse("maintenance:public_windows")).content.decode()
    assert 'aria-label="Planned maintenance"' in html and "Mail server upgrade" in html


def test_compliance_and_asset_pages_show_patches(client_for, dee, asset):
    from maintenance.models import Advisory, AssetPatch

    advisory = Advisory.objects.create(identifier="DSA-5555-1", title="openssl",
                                       severity="critical", released_on=utc(2026, 1, 1).date())
    AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=utc(2026, 1, 8).date(),
                              due_on=utc(2026, 1, 8).date())
    c = client_for(dee)
    html = c.get(reverse("maintenance:compliance")).content.decode()
    assert "DSA-5555-1" in html and "0.0 %" in html
    html = c.get(reverse("maintenance:asset", args=[asset.pk])).content.decode()
    assert "DSA-5555-1" in html and "overdue" in html
    html = c.get(reverse("maintenance:overdue") + "?severity=critical").content.decode()
    assert "DSA-5555-1" in html


def _many_plans(dee, team, n):
    services = [ServiceFactory(name=f"Svc {i}") for i in range(3)]
    for i in range(n):
        make_plan(dee, title=f"Plan {i:03d}", team=team, services_=services,
                  assets=[AssetFactory(name=f"host-{i:03d}")])
    generation.occurrences_generate(now=utc(2026, 3, 1, 12))


@pytest.mark.parametrize("name", ["maintenance:plans", "maintenance:calendar",
                                  "maintenance:windows", "maintenance:assets",
                                  "maintenance:compliance", "maintenance:overdue"])
def test_list_pages_cost_the_same_queries_for_3_or_30_rows(
        client_for, dee, team, name, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(dee)
    _many_plans(dee, team, 3)
    with CaptureQueriesContext(connection) as few:
        assert c.get(reverse(name), {"start": "2026-03-02"}).status_code == 200
    _many_plans(dee, team, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse(name), {"start": "2026-03-02"}).status_code == 200
    assert Ticket.objects.count() > 30


def test_the_banner_costs_one_query_when_nothing_is_planned(rf, alice,
                                                            django_assert_num_queries):
    from maintenance.web.context_processors import banner

    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(0):
        lazy = banner(request)["maintenance_banner"]  # nothing is read until a page prints it
    with django_assert_num_queries(1):
        html = str(lazy)
    assert "Planned maintenance" not in html


def test_the_banner_can_be_dismissed_per_window_without_script(client_for, bob, window):
    client = client_for(bob)
    page = reverse("maintenance:public_windows")
    html = client.get(page).content.decode()
    assert f'action="{reverse("maintenance:banner_dismiss")}"' in html
    assert "<script>" not in html.split('aria-label="Planned maintenance"')[1][:3000]
    response = client.post(reverse("maintenance:banner_dismiss"),
                           {"window": [window.pk], "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert 'aria-label="Planned maintenance"' not in client.get(page).content.decode()
    now = timezone.now()
    MaintenanceWindow.objects.create(reason="Core switch swap",
                                     starts_at=now + timedelta(days=2),
                                     ends_at=now + timedelta(days=2, hours=1))
    html = client.get(page).content.decode()
    banner_html = html.split('aria-label="Planned maintenance"')[1].split("</aside>")[0]
    assert "Core switch swap" in banner_html and "Mail server upgrade" not in banner_html


def test_dismissing_never_redirects_off_site(client_for, bob, window):
    response = client_for(bob).post(reverse("maintenance:banner_dismiss"),
                                    {"window": [window.pk], "next": "https://evil.example/"})
    assert response["Location"] == "/"

