"""Proactive vs reactive work, and incidents before and after preventive plans."""

from datetime import time, timedelta

import pytest

from maintenance.models import MaintenancePlan, Occurrence
from reports.figures import work
from tests.factories import ServiceFactory
from tests.reports.conftest import NO_FILTERS, period, utc
from tickets.models import Kind, Source, TimeEntry

pytestmark = pytest.mark.django_db
# 2 March 2026 is a Monday: two whole weeks.
TWO_WEEKS = period((2026, 3, 2), (2026, 3, 15))


@pytest.fixture
def items(build, dee):
    made = {
        "portal": build(utc(2026, 3, 2, 9), kind=Kind.INCIDENT, source=Source.PORTAL),
        "email": build(utc(2026, 3, 3, 9), kind=Kind.REQUEST, source=Source.EMAIL),
        "check": build(utc(2026, 3, 4, 9), kind=Kind.INCIDENT, source=Source.MONITORING),
        "plan": build(utc(2026, 3, 10, 9), kind=Kind.MAINTENANCE, source=Source.MAINTENANCE),
        "patch": build(utc(2026, 3, 11, 9), kind=Kind.PATCH, source=Source.MAINTENANCE),
        "capacity": build(utc(2026, 3, 12, 9), kind=Kind.CAPACITY, source=Source.MONITORING),
        "old": build(utc(2026, 2, 20, 9), kind=Kind.INCIDENT, source=Source.PHONE),
    }
    for key, minutes, when in (("portal", 30, utc(2026, 3, 2, 10)),
                               ("portal", 15, utc(2026, 3, 9, 10)),
                               ("plan", 90, utc(2026, 3, 10, 11)),
                               ("old", 20, utc(2026, 3, 3, 10)),  # logged in the period
                               ("check", 10, utc(2026, 3, 20, 10))):  # logged after it
        TimeEntry.objects.create(ticket=made[key], user=dee, minutes=minutes, created_at=when)
    return made


def test_items_and_time_by_origin_and_kind(items):
    rows = {(r["origin"], r["kind"]): r
            for r in work.build(TWO_WEEKS, NO_FILTERS).tables()["by_origin"].rows}
    assert rows[("User", "Incident")] == {
        "origin": "User", "kind": "Incident", "proactive": "reactive",
        "items": 1, "minutes": 30 + 15 + 20}  # portal (45) and the old phone call (20)
    assert rows[("User", "Service request")]["items"] == 1
    assert rows[("Monitoring", "Incident")]["minutes"] == 0  # its time came after
    assert rows[("Monitoring", "Capacity follow-up")]["proactive"] == "proactive"
    assert (rows[("Maintenance plan", "Maintenance task")]["items"],
            rows[("Maintenance plan", "Maintenance task")]["minutes"]) == (1, 90)
    assert rows[("Patch deadline", "Patch follow-up")]["items"] == 1


def test_shares_of_proactive_items_and_time(items):
    figures = {f.key: f.value for f in work.build(TWO_WEEKS, NO_FILTERS).summary}
    # Items: portal, email, check reactive; plan, patch, capacity proactive → 3 of 6.
    assert figures["proactive_share"] == 50.0
    # Time: 30 + 15 + 20 reactive, 90 proactive → 90 / 155.
    assert figures["proactive_time_share"] == round(100 * 90 / 155, 1)
    assert figures["hours"] == round(155 / 60, 1)


def test_per_week_rows(items):
    rows = work.build(TWO_WEEKS, NO_FILTERS).tables()["weekly"].rows
    week1 = [r for r in rows if r["week"] == TWO_WEEKS.first_day]
    week2 = [r for r in rows if r["week"] == TWO_WEEKS.first_day + timedelta(days=7)]
    assert sum(r["items"] for r in week1) == 3 and sum(r["items"] for r in week2) == 3
    # Week 1: 30 (portal) + 20 (old); week 2: 15 (portal) + 90 (plan).
    assert (sum(r["minutes"] for r in week1), sum(r["minutes"] for r in week2)) == (50, 105)


@pytest.fixture
def plan_on_email(build):
    email = ServiceFactory(name="Email")
    plan = MaintenancePlan.objects.create(title="Mail server care", rrule="FREQ=WEEKLY",
                                          starts_on=utc(2026, 1, 5).date(), at_time=time(9))
    plan.services.add(email)
    started = utc(2026, 1, 5, 9)
    Occurrence.objects.create(plan=plan, scheduled_for=started, due_at=started,
                              status=Occurrence.Status.GENERATED)
    Occurrence.objects.create(plan=plan, scheduled_for=started - timedelta(days=7),
                              due_at=started - timedelta(days=7),
                              status=Occurrence.Status.SKIPPED)  # skipped: not a start
    for days in (-100, -50, -10):  # 100 days before is outside the 90-day window
        build(started + timedelta(days=days), kind=Kind.INCIDENT, service=email)
    for days in (5, 20):
        build(started + timedelta(days=days), kind=Kind.INCIDENT, service=email)
    build(started + timedelta(days=3), kind=Kind.REQUEST, service=email)  # not an incident
    return started


def test_incidents_before_and_after_the_first_plan_work(plan_on_email):
    now = plan_on_email + timedelta(days=40)
    rows = work.plans_effect(NO_FILTERS, now)
    # Before: 2 incidents in 90 days → 2 × 30 / 90 = 0.67 per 30 days.
    # After: 2 in the 40 days so far → 2 × 30 / 40 = 1.5; change (1.5 − 0.667) / 0.667.
    assert rows == [{"service": "Email", "plans": 1, "started": plan_on_email.date(),
                     "before": 2, "after": 2, "before_rate": 0.67, "after_rate": 1.5,
                     "change": 125.0}]


def test_after_stops_ninety_days_after_the_start(plan_on_email, build):
    build(plan_on_email + timedelta(days=95), kind=Kind.INCIDENT,
          service=ServiceFactory(name="Email"))
    rows = work.plans_effect(NO_FILTERS, plan_on_email + timedelta(days=200))
    assert (rows[0]["after"], rows[0]["after_rate"]) == (2, round(2 * 30 / 90, 2))


def test_no_plans_no_rows(db):
    assert work.plans_effect(NO_FILTERS, utc(2026, 3, 1)) == []


def test_headline_proactive_share_against_the_previous_period(items):
    figure = work.headline_figures(TWO_WEEKS, TWO_WEEKS.previous(), NO_FILTERS)[0]
    # Previous two weeks (16 Feb – 1 Mar): only the old phone incident → 0 %.
    assert (figure.value, figure.previous, figure.good) == (50.0, 0.0, True)
