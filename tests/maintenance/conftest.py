"""Maintenance fixtures: plans made the way users make them (through the service)."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from maintenance import services
from maintenance.models import MaintenancePlan
from tests.factories import AssetFactory

STEPS = [{"text": "Check the backup job log"},
         {"text": "Restore one file to a scratch folder", "requires_result": True},
         {"text": "Note the restore time", "requires_note": True}]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_plan(actor, *, at=None, steps=STEPS, assets=None, services_=None, **fields):
    """A plan saved through the service; `at` is the moment it is saved (time_machine)."""
    fields.setdefault("title", "Backup restore test")
    fields.setdefault("rrule", "FREQ=WEEKLY;BYDAY=MO")
    fields.setdefault("starts_on", datetime(2026, 3, 2).date())
    fields.setdefault("at_time", time(9, 0))
    fields.setdefault("time_zone", "Europe/Berlin")
    fields.setdefault("lead_time", timedelta(days=2))
    fields.setdefault("expected_duration", timedelta(hours=1))
    with time_machine.travel(at or utc(2026, 3, 1, 12, 0), tick=False):
        return services.plan_save(plan=MaintenancePlan(**fields), actor=actor, steps=steps,
                                  assets=assets or [], services=services_ or [])


@pytest.fixture
def asset(db, service):
    return AssetFactory(name="mail-01", service=service)


@pytest.fixture
def plan(dee, team, asset):
    return make_plan(dee, team=team, assets=[asset])
