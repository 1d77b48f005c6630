"""Maintenance plans done on time, late or skipped; overdue patches by severity."""

from datetime import date, time, timedelta

import pytest
import time_machine

from itsm.models import Asset
from maintenance.models import Advisory, AssetPatch, MaintenancePlan, Occurrence
from reports.figures import maintenance
from reports.params import Filters
from tests.factories import AssetFactory, ServiceFactory
from tests.reports.conftest import NO_FILTERS, period, utc
from tickets.models import Kind, Source, Status

pytestmark = pytest.mark.django_db
MARCH = period((2026, 3, 1), (2026, 3, 31))
NOW = utc(2026, 3, 31, 12)


@pytest.fixture
def plans(build, team, network):
    """Plan "Backups" (Service Desk, 1 h expected): 5 occurrences due in March —
    resolved within due + 1 h (on time), resolved 3 h late (late), still open 2 days after
    (overdue), skipped, cancelled. Plan "Switches" (Network): one on time in March, one
    late in February (outside)."""
    backups = MaintenancePlan.objects.create(title="Backups", rrule="FREQ=WEEKLY", team=team,
                                             starts_on=date(2026, 1, 1), at_time=time(9))
    switches = MaintenancePlan.objects.create(title="Switches", rrule="FREQ=WEEKLY",
                                              team=network, starts_on=date(2026, 1, 1),
                                              at_time=time(9))
    email = ServiceFactory(name="Email")
    switches.services.add(email)

    def occurrence(plan, due, status=Occurrence.Status.GENERATED, resolved=None,
                   ticket_status=Status.RESOLVED):
        ticket = None
        if status == Occurrence.Status.GENERATED:
            ticket = build(due - timedelta(days=2), kind=Kind.MAINTENANCE,
                           source=Source.MAINTENANCE, status=ticket_status,
                           resolved_at=resolved)
        return Occurrence.objects.create(plan=plan, scheduled_for=due, due_at=due,
                                         status=status, ticket=ticket)

    occurrence(backups, utc(2026, 3, 2, 9), resolved=utc(2026, 3, 2, 9, 45))  # on time
    occurrence(backups, utc(2026, 3, 9, 9), resolved=utc(2026, 3, 9, 13))  # late
    occurrence(backups, utc(2026, 3, 16, 9), ticket_status=Status.IN_PROGRESS)  # overdue
    occurrence(backups, utc(2026, 3, 23, 9), status=Occurrence.Status.SKIPPED)
    occurrence(backups, utc(2026, 3, 30, 9), ticket_status=Status.CANCELLED)
    occurrence(switches, utc(2026, 3, 5, 9), resolved=utc(2026, 3, 5, 10))  # on time
    occurrence(switches, utc(2026, 2, 5, 9), resolved=utc(2026, 2, 6, 10))  # late, February
    return {"backups": backups, "switches": switches, "email": email}


def build_report(filters=NO_FILTERS):
    with time_machine.travel(NOW, tick=False):
        return maintenance.build(MARCH, filters, now=NOW)


def test_occurrences_due_in_the_period_by_outcome(plans):
    rows = {r["plan"]: r for r in build_report().tables()["plans"].rows}
    backups = rows["Backups"]
    assert (backups["on_time"], backups["late"], backups["overdue"], backups["skipped"],
            backups["cancelled"]) == (1, 1, 1, 1, 1)
    # On time ÷ (on time + late + overdue + cancelled) = 1 / 4; skipped left out.
    assert backups["compliance"] == 25.0
    assert (rows["Switches"]["on_time"], rows["Switches"]["late"]) == (1, 0)


def test_summary_adds_up_the_plans(plans):
    figures = {f.key: f.value for f in build_report().summary}
    # On time: 2 of (2 + 1 late + 1 overdue + 1 cancelled) = 40 %.
    assert (figures["compliance"], figures["skipped"]) == (40.0, 1)


def test_team_and_service_filters_pick_plans(plans, network):
    assert [r["plan"] for r in build_report(Filters(team=network)).tables()["plans"].rows] == [
        "Switches"]
    assert [r["plan"] for r in build_report(
        Filters(service=plans["email"])).tables()["plans"].rows] == ["Switches"]


@pytest.fixture
def patches(db):
    """Today 31 Mar. Overdue: critical 3 days (due 28 Mar) and 40 days (due 19 Feb); high
    10 days. Not overdue: due today, installed, or on an inactive asset."""
    vpn = ServiceFactory(name="VPN")
    host, retired = AssetFactory(name="host-1", service=vpn), AssetFactory(name="old-1")
    Asset.objects.filter(pk=retired.pk).update(is_active=False)

    def patch(identifier, severity, due, asset=host, state="missing"):
        advisory = Advisory.objects.create(identifier=identifier, title=identifier,
                                           severity=severity, released_on=date(2026, 1, 1))
        AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=due, state=state,
                                  due_on=due if state == "missing" else None)

    patch("A-1", "critical", date(2026, 3, 28))
    patch("A-2", "critical", date(2026, 2, 19))
    patch("A-3", "high", date(2026, 3, 21))
    patch("A-4", "high", date(2026, 3, 31))  # due today: not overdue yet
    patch("A-5", "medium", date(2026, 1, 1), state="installed")
    patch("A-6", "low", date(2026, 1, 1), asset=retired)
    return vpn


def test_overdue_patches_by_severity_and_days_overdue(patches):
    rows = {r["severity"]: r for r in build_report().tables()["patches"].rows}
    # Buckets 1–7, 8–30, 31–90, over 90 days: critical 3 d and 40 d; high 10 d.
    assert (rows["Critical"]["b0"], rows["Critical"]["b2"], rows["Critical"]["total"]) == (
        1, 1, 2)
    assert (rows["High"]["b1"], rows["High"]["total"]) == (1, 1)
    assert rows["Low"]["total"] == 0  # its asset is retired
    assert {f.key: f.value for f in build_report().summary}["overdue_patches"] == 3


def test_a_service_filter_narrows_the_patches_to_its_assets(patches):
    other = ServiceFactory(name="Other")
    assert build_report(Filters(service=other)).tables()["patches"].rows == []
    rows = build_report(Filters(service=patches)).tables()["patches"].rows
    assert sum(r["total"] for r in rows) == 3


def test_nothing_planned_and_nothing_overdue(db):
    report = build_report()
    assert {f.key: f.value for f in report.summary} == {"compliance": None, "skipped": 0,
                                                        "overdue_patches": 0}


def test_headline_compares_on_time_share_with_the_previous_period(plans):
    figures = {f.key: f for f in maintenance.headline_figures(MARCH, MARCH.previous(), NO_FILTERS,
                                                      now=NOW)}
    # Previous (29 Jan – 28 Feb): Switches late once → 0 %.
    assert (figures["compliance"].value, figures["compliance"].previous) == (40.0, 0.0)


def test_headline_trend_is_the_on_time_share_of_each_day(plans):
    figures = {f.key: f for f in maintenance.headline_figures(MARCH, MARCH.previous(), NO_FILTERS,
                                                      now=NOW)}
    series = figures["compliance"].series
    assert len(series) == 31
    # On time 2 and 5 Mar, late 9 Mar, overdue 16 Mar, cancelled 30 Mar; a day with only a
    # skipped occurrence (23 Mar) or none has no share.
    assert {day + 1: value for day, value in enumerate(series) if value is not None} == {
        2: 100.0, 5: 100.0, 9: 0.0, 16: 0.0, 30: 0.0}
    # Overdue patches are a current state: no history to draw.
    assert figures["overdue_patches"].series is None
