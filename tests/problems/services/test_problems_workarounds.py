"""Workarounds (notes once per version, replies once), known-error articles, links that
reopen, the quiet period that closes, and the fix made a plan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge.models import Audience, Confidence
from knowledge.selectors.search import search_articles
from maintenance.models import Occurrence
from problems import services
from problems.models import Stage, WorkaroundNote
from problems.services import ProblemError
from tests.factories import make_ticket
from tickets.models import Comment, Kind, Status
from tickets.services.ticket import ticket_transition

pytestmark = pytest.mark.django_db


def notes_on(ticket):
    return Comment.objects.filter(ticket=ticket, is_internal=True,
                                  body__startswith="Workaround").count()


def test_workaround_is_noted_once_per_version_on_open_incidents(problem_maker, incident_maker,
                                                                dee):
    open_one, done_one = incident_maker(), incident_maker()
    ticket_transition(ticket=done_one, actor=dee, to=Status.RESOLVED)
    problem = problem_maker(incidents=[open_one, done_one])
    services.problem_update(problem=problem, actor=dee, workaround="Restart Outlook.")
    services.problem_update(problem=problem, actor=dee, workaround="Restart Outlook.")
    assert notes_on(open_one) == 1 and notes_on(done_one) == 0
    services.problem_update(problem=problem, actor=dee, workaround="Clear the cache.")
    problem.refresh_from_db()
    assert problem.workaround_version == 2
    assert notes_on(open_one) == 2
    assert WorkaroundNote.objects.filter(problem=problem).count() == 2


def test_newly_linked_incident_gets_the_current_workaround(problem_maker, incident_maker, dee):
    problem = problem_maker()
    services.problem_update(problem=problem, actor=dee, workaround="Restart Outlook.")
    late = incident_maker()
    assert services.problem_link_incidents(problem=problem, incidents=[late], actor=dee) == 1
    assert services.problem_link_incidents(problem=problem, incidents=[late], actor=dee) == 0
    assert notes_on(late) == 1


def test_send_workaround_replies_once(problem_maker, incident_maker, dee):
    a, b = incident_maker(), incident_maker()
    problem = problem_maker(incidents=[a, b])
    with pytest.raises(ProblemError):
        services.problem_send_workaround(problem=problem, actor=dee)
    services.problem_update(problem=problem, actor=dee, workaround="Restart Outlook.")
    assert services.problem_send_workaround(problem=problem, actor=dee, incidents=[a]) == 1
    assert services.problem_send_workaround(problem=problem, actor=dee) == 1
    assert services.problem_send_workaround(problem=problem, actor=dee) == 0
    replies = Comment.objects.filter(is_internal=False, body__contains="Restart Outlook.")
    assert sorted(replies.values_list("ticket_id", flat=True)) == sorted([a.pk, b.pk])


def test_send_refuses_incidents_not_linked(problem_maker, incident_maker, dee):
    problem = problem_maker()
    services.problem_update(problem=problem, actor=dee, workaround="Restart.")
    with pytest.raises(ProblemError) as caught:
        services.problem_send_workaround(problem=problem, actor=dee,
                                         incidents=[incident_maker()])
    assert "incidents" in caught.value.messages


def test_known_error_publishes_an_article_customers_find(problem_maker, dee, alice, service):
    problem = problem_maker(title="Outlook asks for the password again", service=service)
    services.problem_update(problem=problem, actor=dee, symptoms="A password prompt loops.",
                            root_cause="A stale token.")
    problem = services.problem_transition(problem=problem, to=Stage.KNOWN_ERROR, actor=dee,
                                          workaround="Remove the cached credential.")
    article = problem.article
    assert article.title == "Outlook asks for the password again"
    assert (article.symptoms, article.cause) == ("A password prompt loops.", "A stale token.")
    assert article.resolution == "Remove the cached credential."
    assert article.audience == Audience.CUSTOMERS
    assert article.confidence == Confidence.NOT_VALIDATED
    assert list(article.services.all()) == [service]
    hits = search_articles(alice, "outlook password")
    assert [hit.article.pk if hasattr(hit, "article") else hit.pk for hit in hits] == [
        article.pk]
    services.problem_update(problem=problem, actor=dee, workaround="Sign out and in.")
    article.refresh_from_db()
    assert article.resolution == "Sign out and in." and article.version == 2


def test_linking_to_a_resolved_problem_reopens_it(problem_maker, incident_maker, dee):
    problem = problem_maker()
    services.problem_transition(problem=problem, to=Stage.RCA, actor=dee)
    now = timezone.now()
    problem = services.problem_transition(problem=problem, to=Stage.RESOLVED, actor=dee,
                                          root_cause="Pool", permanent_fix="Patch", now=now)
    assert problem.quiet_until == now + timedelta(days=14)
    problem.ticket.refresh_from_db()
    assert problem.ticket.status == Status.RESOLVED
    services.problem_link_incidents(problem=problem, incidents=[incident_maker()], actor=dee,
                                    now=now + timedelta(days=3))
    problem.refresh_from_db()
    problem.ticket.refresh_from_db()
    assert problem.stage == Stage.RCA and problem.reanalysis_count == 1
    assert problem.quiet_until is None and problem.ticket.status == Status.IN_PROGRESS
    assert problem.ticket.events.filter(field="stage", message__contains="Reopened").exists()


def test_quiet_period_closes_with_a_moved_clock(problem_maker, dee, settings):
    settings.TEND_PROBLEM_QUIET_DAYS = 10
    problem = problem_maker()
    services.problem_transition(problem=problem, to=Stage.RCA, actor=dee)
    now = timezone.now()
    services.problem_transition(problem=problem, to=Stage.RESOLVED, actor=dee,
                                root_cause="Pool", permanent_fix="Patch", now=now)
    with pytest.raises(ProblemError):
        services.problem_transition(problem=problem, to=Stage.CLOSED, actor=dee,
                                    now=now + timedelta(days=2))
    assert services.problems_close_quiet(now=now + timedelta(days=9)) == 0
    assert services.problems_close_quiet(now=now + timedelta(days=10, minutes=1)) == 1
    assert services.problems_close_quiet(now=now + timedelta(days=11)) == 0
    problem.refresh_from_db()
    problem.ticket.refresh_from_db()
    assert problem.stage == Stage.CLOSED and problem.ticket.status == Status.CLOSED


def test_links_refuse_what_is_not_an_incident(problem_maker, dee, alice):
    problem = problem_maker()
    request = make_ticket(alice, kind=Kind.REQUEST, title="New laptop")
    with pytest.raises(ProblemError) as caught:
        services.problem_link_incidents(problem=problem, incidents=[request], actor=dee)
    assert "not an incident" in caught.value.messages["incidents"][0]


def test_unlink(problem_maker, incident_maker, dee):
    incident = incident_maker()
    problem = problem_maker(incidents=[incident])
    services.problem_unlink_incident(problem=problem, incident=incident, actor=dee)
    assert not problem.incident_links.exists()
    with pytest.raises(ProblemError):
        services.problem_unlink_incident(problem=problem, incident=incident, actor=dee)


def test_make_plan_links_the_fix_and_a_done_occurrence_resolves(problem_maker, dee, team,
                                                                 asset, service):
    problem = problem_maker(asset=asset, service=service, team=team)
    with pytest.raises(ProblemError):
        services.problem_make_plan(problem=problem, actor=dee)
    services.problem_transition(problem=problem, to=Stage.RCA, actor=dee)
    services.problem_update(problem=problem, actor=dee, permanent_fix="Replace the disk.",
                            root_cause="A failing disk.")
    now = timezone.now()
    plan = services.problem_make_plan(problem=problem, actor=dee, rrule="FREQ=WEEKLY",
                                      now=now)
    problem.refresh_from_db()
    assert problem.fix_plan == plan and problem.stage == Stage.FIX_IN_PROGRESS
    assert plan.title == problem.ticket.title and plan.instructions == "Replace the disk."
    assert list(plan.assets.all()) == [asset] and list(plan.services.all()) == [service]
    assert plan.team == team
    services.problem_update(problem=problem, actor=dee, permanent_fix="")
    with pytest.raises(ProblemError) as caught:
        services.problem_transition(problem=problem, to=Stage.RESOLVED, actor=dee)
    assert "permanent_fix" in caught.value.messages
    work = make_ticket(dee, kind=Kind.MAINTENANCE, title="Replace disk")
    Occurrence.objects.create(plan=plan, scheduled_for=now, due_at=now, ticket=work,
                              status=Occurrence.Status.GENERATED)
    ticket_transition(ticket=work, actor=dee, to=Status.RESOLVED,
                      now=now + timedelta(hours=1))
    done = services.problem_transition(problem=problem, to=Stage.RESOLVED, actor=dee,
                                       now=now + timedelta(hours=2))
    assert done.stage == Stage.RESOLVED
