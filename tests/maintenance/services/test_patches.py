"""Patches: deadlines by severity, states with history, and overdue follow-ups once."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from maintenance.models import Advisory, AssetPatch, AssetPatchEvent, PatchPolicy
from maintenance.services import patching
from tests.concurrency import at_once
from tests.factories import AssetFactory, ServiceFactory, TeamFactory
from tests.maintenance.conftest import utc
from tickets.models import Kind, Ticket

RELEASED = date(2026, 1, 1)


def advisory(identifier, severity="high", released=RELEASED):
    return Advisory.objects.create(identifier=identifier, title=f"Fix {identifier}",
                                   severity=severity, released_on=released)


def missing(asset, adv):
    deadline = patching.patch_policy_current().deadline(adv.severity, adv.released_on)
    return AssetPatch.objects.create(asset=asset, advisory=adv, deadline=deadline,
                                     due_on=deadline)


def followups_at(day):
    with time_machine.travel(utc(day.year, day.month, day.day, 12), tick=False):
        return patching.patch_followups_raise()


@pytest.mark.parametrize("severity, days", [("critical", 7), ("high", 30), ("medium", 90),
                                            ("low", 180)])
def test_the_deadline_is_the_release_date_plus_the_days_for_the_severity(db, severity, days):
    policy = patching.patch_policy_current()
    assert policy.deadline(severity, RELEASED) == RELEASED + timedelta(days=days)


def test_changing_the_policy_moves_every_open_deadline(asset):
    patch = missing(asset, advisory("DSA-1", "critical"))
    installed = missing(asset, advisory("DSA-2", "critical"))
    patching.patch_apply_state(patch=installed, state="installed", now=utc(2026, 1, 2))
    installed.save()
    PatchPolicy.objects.filter(pk=1).update(critical_days=14)
    patching.patch_deadlines_refresh()
    patch.refresh_from_db()
    installed.refresh_from_db()
    assert (patch.deadline, patch.due_on) == (date(2026, 1, 15), date(2026, 1, 15))
    assert (installed.deadline, installed.due_on) == (date(2026, 1, 15), None)


def test_a_deferral_counts_until_its_end_and_needs_a_reason(asset, dee):
    patch = missing(asset, advisory("USN-1", "critical"))
    with time_machine.travel(utc(2026, 1, 5), tick=False):
        with pytest.raises(ValidationError) as error:
            patching.patch_set_state(patch=patch, state="deferred", actor=dee,
                                     deferred_until=date(2026, 1, 4))
        assert set(error.value.message_dict) == {"deferred_until", "reason"}
        patch = patching.patch_set_state(patch=patch, state="deferred", actor=dee,
                                         deferred_until=date(2026, 2, 1),
                                         reason="Vendor certifies the fix in January")
    assert patch.due_on == date(2026, 2, 1)
    assert not patch.is_overdue(date(2026, 1, 20)) and patch.is_overdue(date(2026, 2, 2))
    event = AssetPatchEvent.objects.get()
    assert (event.old_state, event.new_state, event.actor) == ("missing", "deferred", dee)
    assert "Vendor certifies" in event.note


def test_installed_and_not_applicable_patches_are_never_overdue(asset, dee):
    patch = missing(asset, advisory("KB5031356", "low"))
    with pytest.raises(ValidationError):
        patching.patch_set_state(patch=patch, state="not_applicable", actor=dee)
    patch = patching.patch_set_state(patch=patch, state="not_applicable", actor=dee,
                                     reason="Feature not installed")
    assert patch.due_on is None
    patch = patching.patch_set_state(patch=patch, state="installed", actor=dee)
    assert patch.due_on is None and patch.installed_at is not None
    assert AssetPatchEvent.objects.filter(asset=asset).count() == 2


def test_managers_cannot_change_patch_states(asset, manny):
    with pytest.raises(PermissionDenied):
        patching.patch_set_state(patch=missing(asset, advisory("DSA-9")), state="installed",
                                 actor=manny)


def test_an_asset_with_overdue_patches_gets_one_follow_up(asset, team):
    patches = [missing(asset, advisory(f"DSA-{n}", severity))
               for n, severity in enumerate(["high", "critical", "low"])]
    assert followups_at(date(2026, 1, 8)) == {}  # critical due on the 8th: not overdue yet
    assert followups_at(date(2026, 1, 9))["asset"] == 1  # critical overdue
    assert followups_at(date(2026, 2, 1))["asset"] == 1  # high overdue: a second ticket
    assert followups_at(date(2026, 2, 2)) == {}
    first, second = Ticket.objects.filter(kind=Kind.PATCH).order_by("pk")
    assert (first.priority, first.asset, first.team) == (1, asset, team)
    assert "DSA-1" in first.description and "DSA-0" in second.description
    assert first.ref == f"PAT-{first.number}" and first.requester.username == "tend"
    for patch in patches:
        patch.refresh_from_db()
    assert [p.follow_up for p in patches] == [second, first, None]


def test_an_advisory_overdue_on_many_assets_gets_one_follow_up_for_all(db, team):
    service = ServiceFactory(name="Web", owner_team=team)
    adv = advisory("DSA-5555-1", "medium")
    hosts = [AssetFactory(name=f"web-{n}", service=service) for n in range(5)]
    for host in hosts:
        missing(host, adv)
    missing(AssetFactory(name="db-1", service=service), advisory("DSA-7", "medium"))
    counts = followups_at(date(2026, 4, 2))
    assert (counts["advisory"], counts["asset"]) == (1, 1)
    ticket = Ticket.objects.get(title__contains="DSA-5555-1")
    assert ticket.title == "Overdue medium patch DSA-5555-1 on 5 assets"
    assert ticket.asset is None and ticket.service == service and ticket.team == team
    assert all(f"web-{n}" in ticket.description for n in range(5))


def test_a_reopened_patch_gets_a_new_follow_up_when_late_again(asset, dee):
    patch = missing(asset, advisory("DSA-3", "critical"))
    followups_at(date(2026, 1, 9))
    patching.patch_set_state(patch=patch, state="installed", actor=dee)
    patching.patch_set_state(patch=patch, state="failed", actor=dee)
    followups_at(date(2026, 1, 10))
    assert Ticket.objects.filter(kind=Kind.PATCH).count() == 2


@pytest.mark.parametrize("one_at_a_time", [True, False])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_follow_up_sweeps_at_once_ticket_each_patch_once(postgres, monkeypatch,
                                                             one_at_a_time):
    if not one_at_a_time:  # without the advisory lock, the guarded update alone must hold
        import contextlib

        monkeypatch.setattr(patching, "_single_sweep", lambda: contextlib.nullcontext(True))
    team = TeamFactory(name="Ops")
    service = ServiceFactory(name="Web", owner_team=team)
    advisories = [advisory(f"DSA-{n}", "critical") for n in range(3)]
    for n in range(40):
        host = AssetFactory(name=f"web-{n:02d}", service=service)
        for adv in advisories[: 1 + n % 3]:
            if adv.identifier != "DSA-0" or n < 3:  # DSA-0 on 3 assets only: per asset
                missing(host, adv)
    _, errors = at_once(lambda: patching.patch_followups_raise(now=utc(2026, 2, 1)))
    assert not errors
    assert not AssetPatch.objects.filter(follow_up__isnull=True).exists()
    tickets = Ticket.objects.filter(kind=Kind.PATCH)
    per_advisory = tickets.filter(title__startswith="Overdue critical patch")
    assert per_advisory.count() == 2  # DSA-1 and DSA-2 are on many assets
    assert tickets.count() - per_advisory.count() == 3  # DSA-0 hosts, one ticket each
