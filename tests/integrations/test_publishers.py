"""The publishers above tickets, driven through their real engines: a failing check, a plan
occurrence inside its lead time, a capacity forecast and a known error each publish one
event per occurrence, naming the ticket, filterable by its team, service, kind and
priority; running an engine again publishes nothing again."""

import json
from datetime import timedelta

import pytest
import time_machine

from capacity import shapes
from capacity.models import FollowUp, Series
from integrations.models import Delivery, Endpoint
from integrations.services.endpoints import endpoint_save
from itsm.events import EVENTS
from maintenance.services import generation
from monitoring import services as monitoring
from monitoring.models import Check
from monitoring.services import incidents
from problems import services as problems
from problems.models import Stage
from tests.capacity.services.test_forecasting import _load, _sweep
from tests.factories import AssetFactory, TeamFactory, make_ticket
from tests.maintenance.conftest import make_plan, utc
from tests.monitoring.conftest import HttpTarget
from tests.monitoring.helpers import T0, minute, run_at
from tickets import rules as ticket_rules
from tickets import services as tickets
from tickets.models import Kind, Level, Status, Ticket

pytestmark = pytest.mark.django_db


def published(name: str, endpoint: Endpoint | None = None) -> list[dict]:
    """The data of every `name` delivery (to `endpoint`), oldest first."""
    rows = Delivery.objects.filter(event=name).order_by("id")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    return [json.loads(body)["data"] for body in rows.values_list("body", flat=True)]


def names(ticket: Ticket) -> dict:
    return {"ref": ticket.ref, "kind": ticket.kind, "priority": ticket.priority,
            "team": ticket.team.name}


def about(data: dict) -> dict:
    return {key: data["ticket"][key] for key in ("ref", "kind", "priority", "team")}


@pytest.fixture
def filtered(ada, receiver, team, service):
    """Two more endpoints, made before anything is published: one filtered on exactly the
    ticket's team, service, kind and priority (it gets the event only if the publisher set
    all four dimensions), one filtered on another team (it must get nothing)."""
    def make(*, kind: str, priority: int) -> tuple[Endpoint, Endpoint]:
        ours = endpoint_save(endpoint=Endpoint(), actor=ada, name="Ours", url=receiver.url,
                             events=list(EVENTS), teams=[team], services=[service],
                             kinds=[kind], priorities=[priority])
        theirs = endpoint_save(endpoint=Endpoint(), actor=ada, name="Theirs", url=receiver.url,
                               events=list(EVENTS), teams=[TeamFactory(name="Facilities")])
        return ours, theirs

    return make


# -- monitoring: incident.opened / incident.resolved -------------------------------------


@pytest.fixture
def http_target():
    target = HttpTarget()
    yield target
    target.stop()


@pytest.fixture
def web(db, http_target, service, team):
    with time_machine.travel(T0 - timedelta(minutes=5), tick=False):
        check = monitoring.check_create(actor=None, name="Intranet", kind="http",
                                        target=http_target.url, service=service, team=team,
                                        priority=2, timeout=5)
    Check.objects.filter(pk=check.pk).update(failure_threshold=1, recovery_threshold=1)
    return check


def test_a_failing_check_opens_once_and_its_recovery_resolves_once(endpoint, filtered, web,
                                                                   http_target):
    ours, theirs = filtered(kind=Kind.INCIDENT, priority=2)
    http_target.set("unhealthy")
    run_at(web, minute(0))
    run_at(web, minute(0))  # the same batch redelivered
    run_at(web, minute(1))  # still failing: a counter, no news
    assert incidents.incident_reconcile(check_id=web.pk, now=minute(1)) == "nothing"
    ticket = Ticket.objects.get(kind=Kind.INCIDENT)
    [opened] = published("incident.opened", endpoint)
    assert about(opened) == names(ticket) == {"ref": ticket.ref, "kind": Kind.INCIDENT,
                                              "priority": 2, "team": "Service Desk"}
    assert opened["ticket"]["service"] == "Email" and opened["reopened"] is False
    assert (opened["check"]["id"], opened["check"]["name"]) == (web.pk, "Intranet")
    assert opened["check"]["state"] == "down" and opened["check"]["target"] == http_target.url

    http_target.set("healthy")
    run_at(web, minute(2))
    run_at(web, minute(3))
    assert incidents.incident_reconcile(check_id=web.pk, now=minute(3)) == "nothing"
    [resolved] = published("incident.resolved", endpoint)
    assert about(resolved) == names(ticket)
    assert resolved["ticket"]["status"] == Status.RESOLVED  # the ticket as it now is
    assert resolved["check"]["id"] == web.pk and resolved["check"]["state"] == "up"
    assert resolved["downtime"]
    assert len(published("incident.opened", ours)) == len(published("incident.resolved", ours)) == 1
    assert not Delivery.objects.filter(endpoint=theirs).exists()


def test_a_failure_soon_after_reopens_and_publishes_opened_again(endpoint, web, http_target):
    http_target.set("unhealthy")
    run_at(web, minute(0))
    http_target.set("healthy")
    run_at(web, minute(1))
    http_target.set("unhealthy")
    run_at(web, minute(2))
    run_at(web, minute(3))
    first, again = published("incident.opened", endpoint)
    assert first["ticket"]["ref"] == again["ticket"]["ref"]
    assert (first["reopened"], again["reopened"]) == (False, True)
    assert again["ticket"]["status"] == Status.IN_PROGRESS  # not the resolved one it was
    assert len(published("incident.resolved", endpoint)) == 1


def test_a_resumed_incident_publishes_nothing_new(endpoint, web, http_target):
    Check.objects.filter(pk=web.pk).update(incident_mode="comment")
    http_target.set("unhealthy")
    run_at(web, minute(0))
    http_target.set("healthy")
    run_at(web, minute(1))  # only a comment: the incident stays open, nothing resolved
    http_target.set("unhealthy")
    run_at(web, minute(2))  # "resumed" the open incident
    assert Ticket.objects.filter(kind=Kind.INCIDENT).count() == 1
    assert len(published("incident.opened", endpoint)) == 1
    assert published("incident.resolved", endpoint) == []


def test_a_muted_replay_of_an_outage_publishes_nothing(endpoint, web, http_target):
    with tickets.notifications_muted():  # what the demo's history replay runs under
        http_target.set("unhealthy")
        run_at(web, minute(0))
        http_target.set("healthy")
        run_at(web, minute(1))
    assert Ticket.objects.get(kind=Kind.INCIDENT).status == Status.RESOLVED
    assert not Delivery.objects.exists()


# -- maintenance: maintenance.due ---------------------------------------------------------


@pytest.fixture
def plan(dee, team, service):
    return make_plan(dee, team=team, priority=2,
                     assets=[AssetFactory(name="mail-01", service=service)])


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return generation.occurrences_generate()


def test_each_occurrence_inside_its_lead_time_is_due_once(endpoint, filtered, plan):
    ours, theirs = filtered(kind=Kind.MAINTENANCE, priority=2)
    moment = utc(2026, 3, 1, 12, 0)
    for _ in range(20):  # every 17 h for two weeks, each sweep run twice
        sweep_at(moment)
        sweep_at(moment)
        moment += timedelta(hours=17)
    work = list(Ticket.objects.filter(kind=Kind.MAINTENANCE).order_by("due_at"))
    assert len(work) == 3
    due = published("maintenance.due", endpoint)
    assert [about(data) for data in due] == [names(ticket) for ticket in work]
    assert {data["ticket"]["team"] for data in due} == {"Service Desk"}
    assert [data["maintenance"]["plan"] for data in due] == [plan.pk] * 3
    assert due[0]["maintenance"]["due_at"].startswith("2026-03-02T08:00")
    assert len(published("maintenance.due", ours)) == 3
    assert not Delivery.objects.filter(endpoint=theirs).exists()


def test_a_muted_generation_publishes_nothing(endpoint, plan):
    with tickets.notifications_muted():  # the demo's maintenance seed
        sweep_at(utc(2026, 3, 1, 12, 0))
    assert Ticket.objects.filter(kind=Kind.MAINTENANCE).exists()
    assert not Delivery.objects.exists()


# -- capacity: capacity.forecast ----------------------------------------------------------


def default_priority() -> int:
    return ticket_rules.priority_for(Level.LOW, Level.LOW)


def test_a_forecast_that_raises_a_ticket_is_published_once(endpoint, filtered, service):
    ours, theirs = filtered(kind=Kind.CAPACITY, priority=default_priority())
    asset = AssetFactory(name="db-1", hostname="db-1.example.org", service=service)
    used, _size = _load(asset, shapes.flat())
    Series.objects.filter(pk=used.pk).update(threshold=0.80 * shapes.SIZE)
    _sweep(used, 10)
    _sweep(used, 10)  # the same sweep again
    _sweep(used, 11)  # and the next day's: still the one open follow-up
    ticket = FollowUp.objects.get(series=used).ticket
    [forecast] = published("capacity.forecast", endpoint)
    assert about(forecast) == names(ticket) == {
        "ref": ticket.ref, "kind": Kind.CAPACITY, "priority": default_priority(),
        "team": "Service Desk"}
    assert forecast["forecast"]["reason"] == "threshold"
    assert forecast["forecast"]["series"] == str(used)
    assert len(published("capacity.forecast", ours)) == 1
    assert not Delivery.objects.filter(endpoint=theirs).exists()


# -- problems: problem.known_error --------------------------------------------------------


def test_entering_known_error_is_published_once(endpoint, filtered, dee, alice, team,
                                                service):
    ours, theirs = filtered(kind=Kind.PROBLEM, priority=default_priority())
    problem = problems.problem_create(actor=dee, title="Mail server drops connections",
                                      team=team, service=service,
                                      incidents=[make_ticket(alice, service=service)])
    with pytest.raises(problems.ProblemError):  # a refused move publishes nothing
        problems.problem_transition(problem=problem, to=Stage.KNOWN_ERROR, actor=dee)
    problem = problems.problem_transition(problem=problem, to=Stage.KNOWN_ERROR, actor=dee,
                                          workaround="Restart the pool")
    problems.problem_update(problem=problem, actor=dee, workaround="Restart the pool twice")
    [known] = published("problem.known_error", endpoint)
    ticket = Ticket.objects.get(kind=Kind.PROBLEM)
    assert about(known) == names(ticket) == {
        "ref": ticket.ref, "kind": Kind.PROBLEM, "priority": default_priority(),
        "team": "Service Desk"}
    assert known["ticket"]["status"] == Status.IN_PROGRESS
    assert known["problem"] == {"id": problem.pk, "workaround": "Restart the pool",
                                "article": problem.article_id}
    assert problem.article_id is not None
    assert len(published("problem.known_error", ours)) == 1
    assert not Delivery.objects.filter(endpoint=theirs).exists()
