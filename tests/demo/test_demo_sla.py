"""The demo's SLA set-up: P1 and P2 incidents on the services its checks watch are timed
around the clock, so an outage at night has a deadline at night, not at 10:00."""

from datetime import UTC, datetime, timedelta

import pytest

from demo import sla
from demo.people import seed_base
from itsm.models import BusinessCalendar, Service
from monitoring import services
from monitoring.models import Check, CheckIncident, State
from monitoring.services import incidents
from tickets.models import SlaPolicy
from tickets.services.config import sla_policy_save

SATURDAY_0300 = datetime(2026, 3, 14, 3, 0, tzinfo=UTC)
TUESDAY_0556 = datetime(2026, 3, 10, 5, 56, tzinfo=UTC)


def incident_for(*, service: str, priority: int, at: datetime):
    """The incident Tend opens when a check on `service` goes down at `at`."""
    check = services.check_create(actor=None, name=f"{service} check", kind="dns",
                                  target="localhost", priority=priority,
                                  service=Service.objects.get(name=service))
    Check.objects.filter(pk=check.pk).update(state=State.DOWN, state_since=at, failing_since=at)
    incidents.incident_reconcile(check_id=check.pk, now=at)
    return CheckIncident.objects.get(owner=check).ticket


@pytest.fixture
def demo(db):
    return seed_base()


def test_a_p1_monitoring_incident_at_night_is_due_at_night(demo):
    ticket = incident_for(service="Email", priority=1, at=SATURDAY_0300)
    assert ticket.sla_policy.name == sla.P1_POLICY
    assert ticket.sla_policy.calendar.name == sla.CALENDAR
    assert ticket.response_due_at == SATURDAY_0300 + timedelta(minutes=15)
    assert ticket.resolution_due_at == SATURDAY_0300 + timedelta(hours=4)


def test_a_p2_outage_of_a_service_that_runs_around_the_clock_is_due_within_minutes(demo):
    ticket = incident_for(service="VPN", priority=2, at=TUESDAY_0556)
    assert ticket.sla_policy.name == sla.p2_policy_name("VPN")
    assert ticket.response_due_at == TUESDAY_0556 + timedelta(minutes=30)


def test_a_p2_outage_elsewhere_waits_for_office_hours(demo):
    # The contrast the 24×7 policies are for: Email has none, so 09:00 + 1 h.
    ticket = incident_for(service="Email", priority=2, at=TUESDAY_0556)
    assert ticket.sla_policy.name == "P2 incidents"
    assert ticket.response_due_at == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_every_service_a_demo_check_watches_has_its_24x7_p2_policy(demo):
    from demo.monitoring import _specs

    watched = {spec["service"] for spec in _specs(8000) if spec.get("priority", 2) <= 2}
    assert watched == set(sla.AROUND_THE_CLOCK)
    for name in watched:
        policy = SlaPolicy.objects.get(name=sla.p2_policy_name(name))
        assert (policy.service.name, policy.priorities, policy.kinds) == (name, [2], ["incident"])
        assert policy.order < SlaPolicy.objects.get(name="P2 incidents").order


def test_seeding_again_adds_nothing_and_leaves_an_admin_s_change(demo):
    policy = SlaPolicy.objects.get(name=sla.p2_policy_name("VPN"))
    policy.response_minutes = 20
    sla_policy_save(actor=None, policy=policy)
    count = SlaPolicy.objects.count()
    assert sla.seed_policies() == []
    assert SlaPolicy.objects.count() == count
    assert SlaPolicy.objects.get(pk=policy.pk).response_minutes == 20


def test_it_makes_the_24x7_calendar_and_p1_policy_if_an_admin_removed_them(db):
    SlaPolicy.objects.filter(calendar__name=sla.CALENDAR).delete()
    BusinessCalendar.objects.filter(name=sla.CALENDAR).delete()
    seed_base()
    calendar = BusinessCalendar.objects.get(name=sla.CALENDAR)
    assert calendar.periods.count() == 7
    assert SlaPolicy.objects.get(name=sla.P1_POLICY).calendar == calendar
