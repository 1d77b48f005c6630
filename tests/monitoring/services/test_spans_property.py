"""Property: after any sequence of state changes (in order or backdated, ties included),
pauses, resumes, moves between services and teams, deletions and new checks, the
availability spans kept change by change equal a rebuild from the state changes."""

import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring import services
from monitoring.models import Check, CheckSpan, CheckStateChange, ServiceSpan
from monitoring.services.spans import spans_changed, spans_rebuild
from tests.factories import ServiceFactory, TeamFactory
from tests.monitoring.helpers import minute

pytestmark = pytest.mark.django_db
ACTIONS = ("change", "change", "change", "change", "pause", "resume", "move", "delete")
STATES = ("up", "down", "down", "pending", "degraded", "paused", "unknown")
STEPS = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1_000),
                           st.integers(0, 240)), min_size=1, max_size=40)
EXAMPLES = int(os.environ.get("TEND_FACTS_EXAMPLES", "40"))


def _rows() -> tuple[list, list]:
    checks = sorted((r[0], r[1], r[2], r[3], r[4], sorted(r[5])) for r in CheckSpan.objects
                    .values_list("owner_id", "down", "started", "ended", "opened", "extra"))
    service_rows = sorted(ServiceSpan.objects.values_list("service_id", "team_key", "down",
                                                          "started", "ended"))
    return checks, service_rows


@pytest.fixture
def world(db):
    teams = [TeamFactory(name="Ops"), TeamFactory(name="Network")]
    return {"services": [None, ServiceFactory(name="Email"), ServiceFactory(name="VPN")],
            "teams": [None, *teams]}


def _new_check(world, seed: int, at) -> Check:
    return services.check_create(actor=None, name=f"c{seed}", kind="tcp",
                                 target="127.0.0.1:9", now=at,
                                 service=world["services"][seed % 3],
                                 team=world["teams"][seed // 3 % 3])


def _play(world, checks: list, action: str, seed: int, at) -> None:
    check = Check.objects.get(pk=checks[seed % len(checks)])
    if action == "change":
        CheckStateChange.objects.create(owner=check, from_state="", at=at,
                                        to_state=STATES[seed // 7 % len(STATES)])
        spans_changed({check.pk: at})
    elif action == "pause":
        services.check_pause(check=check, actor=None, now=at)
    elif action == "resume":
        services.check_resume(check=check, actor=None, now=at)
    elif action == "move":
        services.check_update(check=check, actor=None,
                              service=world["services"][seed // 5 % 3],
                              team=world["teams"][seed // 11 % 3])
    elif action == "delete" and len(checks) > 1:
        services.check_delete(check=check, actor=None)
        checks.remove(check.pk)
        checks.append(_new_check(world, seed, at).pk)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_kept_spans_equal_a_rebuild(world, steps):
    with transaction.atomic():
        checks = [_new_check(world, n, minute(0)).pk for n in range(3)]
        for action, seed, m in steps:
            _play(world, checks, action, seed, minute(m))
        kept = _rows()
        spans_rebuild()
        assert _rows() == kept
        transaction.set_rollback(True)


def test_a_check_without_changes_is_not_monitored(world):
    check = Check.objects.create(name="bare", target="127.0.0.1:9", kind="tcp",
                                 service=world["services"][1])
    spans_rebuild([check.pk])
    (row,) = CheckSpan.objects.filter(owner=check).values_list("down", "started", "ended")
    assert row[0] is False and row[1].year == 1 and row[2].year == 9999
    assert ServiceSpan.objects.filter(service=world["services"][1], down=False).count() == 1
