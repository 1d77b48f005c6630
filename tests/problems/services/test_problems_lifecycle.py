"""The problem lifecycle: every allowed and denied move, what each stage needs, and how the
problem's ticket follows its stage."""

from datetime import timedelta

import pytest
from django.utils import timezone

from problems import services
from problems.models import Problem, Stage
from problems.services import ProblemError
from problems.services.lifecycle import TICKET_STATUS, TRANSITIONS, ticket_path
from tickets.models import Kind, Status

pytestmark = pytest.mark.django_db
PAIRS = [(a, b) for a in Stage.values for b in Stage.values if a != b]


def everything_needed(other):
    return {"workaround": "Restart the client.", "root_cause": "A leaking pool.",
            "permanent_fix": "Patch the pool.", "duplicate_of": other,
            "risk_review_on": timezone.localdate() + timedelta(days=30)}


@pytest.mark.parametrize(("start", "to"), PAIRS)
def test_the_table_decides_every_move(problem_maker, dee, start, to):
    problem, other = problem_maker(), problem_maker(title="Another")
    Problem.objects.filter(pk=problem.pk).update(stage=start)
    problem.refresh_from_db()
    fields = {} if start in (Stage.CLOSED, Stage.DUPLICATE) else everything_needed(other)
    if to in TRANSITIONS[start]:
        moved = services.problem_transition(problem=problem, to=to, actor=dee, **fields)
        assert moved.stage == to
    else:
        with pytest.raises(ProblemError):
            services.problem_transition(problem=problem, to=to, actor=dee, **fields)
        problem.refresh_from_db()
        assert problem.stage == start


def test_a_problem_is_a_prb_ticket_with_an_sla(problem_maker):
    problem = problem_maker()
    assert problem.ticket.kind == Kind.PROBLEM
    assert problem.ticket.ref.startswith("PRB-")
    assert problem.stage == Stage.NEW and problem.ticket.status == Status.NEW
    assert problem.incident_links.count() == 1


def test_create_from_incident_copies_and_links(dee, incident_maker, asset):
    incident = incident_maker(title="Mail bounces", asset=asset)
    problem = services.problem_create_from_incident(incident=incident, actor=dee)
    assert problem.ticket.title == "Mail bounces"
    assert problem.ticket.service == incident.service and problem.ticket.asset == asset
    assert list(problem.services.all()) == [incident.service]
    assert list(problem.assets.all()) == [asset]
    assert problem.created_from == incident
    assert [link.incident for link in problem.incident_links.all()] == [incident]


def test_only_problem_workers_create(alice, manny):
    from django.core.exceptions import PermissionDenied

    for who in (alice, manny):
        with pytest.raises(PermissionDenied):
            services.problem_create(actor=who, title="Nope")
    assert not Problem.objects.exists()


def test_unknown_stage_names_the_field(problem_maker, dee):
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=problem_maker(), to="nirvana", actor=dee)
    assert "to" in caught.value.messages


def test_known_error_needs_a_workaround(problem_maker, dee):
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=problem_maker(), to=Stage.KNOWN_ERROR, actor=dee)
    assert caught.value.messages == {"workaround": ["A known error needs a workaround."]}


def test_resolving_needs_root_cause_and_fix(problem_maker, dee):
    problem = problem_maker()
    services.problem_transition(problem=problem, to=Stage.RCA, actor=dee)
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=problem, to=Stage.RESOLVED, actor=dee)
    assert set(caught.value.messages) == {"root_cause", "permanent_fix"}


def test_refused_move_keeps_fields_it_brought(problem_maker, dee):
    problem = problem_maker()
    services.problem_transition(problem=problem, to=Stage.RCA, actor=dee)
    with pytest.raises(ProblemError):
        services.problem_transition(problem=problem, to=Stage.RESOLVED, actor=dee,
                                    root_cause="A leak")
    problem.refresh_from_db()
    assert problem.root_cause == "" and problem.root_cause_at is None


def test_duplicate_needs_another_problem_and_no_cycle(problem_maker, dee):
    a, b = problem_maker(title="A"), problem_maker(title="B")
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=a, to=Stage.DUPLICATE, actor=dee)
    assert "duplicate_of" in caught.value.messages
    with pytest.raises(ProblemError):
        services.problem_transition(problem=a, to=Stage.DUPLICATE, actor=dee, duplicate_of=a)
    Problem.objects.filter(pk=b.pk).update(duplicate_of=a)
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=a, to=Stage.DUPLICATE, actor=dee, duplicate_of=b)
    assert "cycle" in caught.value.messages["duplicate_of"][0]
    c = problem_maker(title="C")
    done = services.problem_transition(problem=c, to=Stage.DUPLICATE, actor=dee,
                                       duplicate_of=a)
    assert done.ticket.status == Status.CANCELLED


def test_risk_accepted_needs_a_future_review(problem_maker, dee):
    problem = problem_maker()
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=problem, to=Stage.RISK_ACCEPTED, actor=dee,
                                    risk_review_on=timezone.localdate())
    assert "risk_review_on" in caught.value.messages
    done = services.problem_transition(problem=problem, to=Stage.RISK_ACCEPTED, actor=dee,
                                       risk_review_on=timezone.localdate() + timedelta(days=9))
    assert done.ticket.status == Status.ON_HOLD


def test_timestamps_are_set_once(problem_maker, dee):
    problem = problem_maker()
    first = timezone.now()
    services.problem_update(problem=problem, actor=dee, root_cause="Pool", now=first)
    services.problem_transition(problem=problem, to=Stage.KNOWN_ERROR, actor=dee,
                                workaround="Restart", now=first)
    later = first + timedelta(hours=3)
    services.problem_update(problem=problem, actor=dee, root_cause="Pool leak", now=later)
    services.problem_transition(problem=problem, to=Stage.RCA, actor=dee, now=later)
    services.problem_transition(problem=problem, to=Stage.KNOWN_ERROR, actor=dee, now=later)
    problem.refresh_from_db()
    assert problem.root_cause_at == first and problem.known_error_at == first


def test_ticket_follows_every_stage(problem_maker, dee):
    problem = problem_maker()
    for stage in (Stage.ASSESSING, Stage.RCA, Stage.KNOWN_ERROR, Stage.RESOLVED):
        problem = services.problem_transition(
            problem=problem, to=stage, actor=dee, workaround="Restart", root_cause="Pool",
            permanent_fix="Patch")
        problem.ticket.refresh_from_db()
        assert problem.ticket.status == TICKET_STATUS[stage]
    stages = list(problem.ticket.events.filter(field="stage").values_list("new_value",
                                                                          flat=True))
    assert stages == ["Assessing", "Root-cause analysis", "Known error", "Resolved"]


def test_ticket_path_goes_through_allowed_statuses():
    assert ticket_path(Status.ON_HOLD, Status.CLOSED) == [Status.RESOLVED, Status.CLOSED]
    assert ticket_path(Status.CLOSED, Status.IN_PROGRESS) == []
