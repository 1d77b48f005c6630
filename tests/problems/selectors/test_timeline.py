"""The root-cause timeline merges incidents, the problem's own events, monitoring, maintenance
and patches of the affected assets, in time order and a fixed number of queries; the five
whys are immutable timeline entries read back in order."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from maintenance.models import (
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    MaintenancePlan,
    MaintenanceWindow,
    Occurrence,
)
from monitoring import services as monitoring_services
from monitoring.models import CheckStateChange
from problems.selectors.timeline import five_whys, problem_timeline
from problems.services.analysis import problem_add_why
from problems.services.errors import ProblemError
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def _around(asset, at):
    check = monitoring_services.check_create(actor=None, name="Mail DNS", kind="dns",
                                             target="localhost", asset=asset)
    CheckStateChange.objects.create(owner=check, from_state="up", to_state="down", at=at,
                                    reason="NXDOMAIN")
    plan = MaintenancePlan.objects.create(title="Mail patching", rrule="FREQ=WEEKLY",
                                          starts_on=date(2026, 1, 1), at_time=time(9))
    plan.assets.add(asset)
    Occurrence.objects.create(plan=plan, scheduled_for=at - timedelta(hours=2),
                              due_at=at - timedelta(hours=2), status="skipped")
    window = MaintenanceWindow.objects.create(reason="Mail upgrade",
                                              starts_at=at - timedelta(hours=3),
                                              ends_at=at - timedelta(hours=1))
    window.assets.add(asset)
    advisory = Advisory.objects.create(identifier=f"ADV-{asset.pk}", title="openssl",
                                       severity="high", released_on=date(2026, 1, 1))
    patch = AssetPatch.objects.create(asset=asset, advisory=advisory, deadline=date(2026, 2, 1))
    AssetPatchEvent.objects.create(patch=patch, asset=asset, at=at - timedelta(hours=4),
                                   old_state="missing", new_state="installed")


def test_timeline_merges_and_orders_every_source(problem_maker, incident_maker, asset, dee,
                                                 django_assert_max_num_queries):
    now = timezone.now()
    first = incident_maker(asset=asset, title="Mail down", now=now - timedelta(days=1))
    second = incident_maker(asset=asset, title="Mail down again")
    problem = problem_maker(incidents=[first, second], asset=asset)
    _around(asset, now - timedelta(hours=20))
    other = AssetFactory(name="web-01")
    _around(other, now - timedelta(hours=20))  # another asset: not in this timeline
    problem_add_why(problem=problem, actor=dee, why="Why did mail stop?",
                    answer="The DNS record vanished.")
    with django_assert_max_num_queries(12):
        entries = problem_timeline(problem)
    sources = {entry.source for entry in entries}
    assert {"incidents", "problem", "monitoring", "maintenance", "patches"} <= sources
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    kinds = [e.kind for e in entries]
    downs = [e for e in entries if e.kind == "check" and e.title.endswith("→ down")]
    assert len(downs) == 1 and kinds.count("patch") == 1
    assert kinds.count("window") == 1 and kinds.count("maintenance") == 1
    assert "why" in kinds and kinds.count("incident") == 2
    assert not any("web-01" in e.title for e in entries)


def test_timeline_query_count_does_not_grow(problem_maker, incident_maker, asset,
                                            django_assert_max_num_queries):
    now = timezone.now()
    incidents = [incident_maker(asset=asset, title=f"Mail {n}") for n in range(5)]
    problem = problem_maker(incidents=incidents, asset=asset)
    for n in range(5):
        _around_many = AssetFactory(name=f"x{n}")
        problem.assets.add(_around_many)
        _around(_around_many, now - timedelta(hours=n + 1))
    with django_assert_max_num_queries(12):
        entries = problem_timeline(problem)
    assert len([e for e in entries if e.kind == "check" and "→ down" in e.title]) == 5


def test_five_whys_in_order_and_refusals(problem_maker, dee, manny):
    problem = problem_maker()
    start = timezone.now()
    for n in range(3):
        problem_add_why(problem=problem, actor=dee, why=f"Why {n}?", answer=f"Because {n}",
                        now=start + timedelta(minutes=n))
    assert [(w["number"], w["why"], w["answer"]) for w in five_whys(problem)] == [
        (1, "Why 0?", "Because 0"), (2, "Why 1?", "Because 1"), (3, "Why 2?", "Because 2")]
    with pytest.raises(ProblemError) as err:
        problem_add_why(problem=problem, actor=dee, why="Why?", answer="   ")
    assert "answer" in err.value.messages
    with pytest.raises(ProblemError):
        problem_add_why(problem=problem, actor=dee, why="", answer="x")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        problem_add_why(problem=problem, actor=manny, why="Why?", answer="x")
    assert len(five_whys(problem)) == 3
