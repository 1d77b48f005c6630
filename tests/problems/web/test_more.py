"""The problem page's workaround, plan and queue bulk link, and the possible problems page."""

import pytest
from django.urls import reverse

from problems import services
from problems.models import Problem, Proposal, Stage
from tests.problems.web.role_rules import make_proposal

pytestmark = pytest.mark.django_db


def test_send_workaround_to_the_ticked_requesters(dee, client_for, problem_maker,
                                                  incident_maker):
    one, two = incident_maker(title="No mail"), incident_maker(title="Slow mail")
    problem = problem_maker(incidents=[one, two])
    client = client_for(dee)
    url = reverse("problems:desk_problem_send", args=[problem.pk])
    early = client.post(url, {"incident": [one.pk]}, follow=True).content.decode()
    assert "Write a workaround before sending it." in early
    services.problem_update(problem=problem, actor=dee, workaround="Use webmail.")
    nothing = client.post(url, {}, follow=True).content.decode()
    assert "Tick the incidents" in nothing
    sent = client.post(url, {"incident": [one.pk]}, follow=True).content.decode()
    assert "Workaround sent to 1 requester." in sent


def test_make_this_a_plan(dee, client_for, problem_maker):
    problem = problem_maker()
    client = client_for(dee)
    url = reverse("problems:desk_problem_plan", args=[problem.pk])
    refused = client.post(url, {"title": "Patch relay"}, follow=True).content.decode()
    assert "Write the permanent fix first" in refused
    services.problem_update(problem=problem, actor=dee, permanent_fix="Upgrade the relay.")
    client.post(url, {"title": "Patch relay"})
    problem.refresh_from_db()
    assert problem.fix_plan is not None and problem.fix_plan.title == "Patch relay"


def test_the_queue_bulk_bar_links_ticked_incidents(dee, client_for, problem_maker,
                                                   incident_maker):
    problem = problem_maker(incidents=[])
    one, two = incident_maker(title="A"), incident_maker(title="B")
    client = client_for(dee)
    queue = client.get(reverse("desk:queue"), {"view": "unassigned"}).content.decode()
    assert 'id="bulk-problem"' in queue and problem.ticket.ref in queue
    response = client.post(reverse("problems:desk_bulk_link"),
                           {"problem": problem.pk, "ticket": [one.pk, two.pk]}, follow=True)
    assert f"2 incidents linked to {problem.ticket.ref}." in response.content.decode()
    htmx = client.post(reverse("problems:desk_bulk_link"),
                       {"problem": problem.pk, "ticket": [one.pk]}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(reverse("desk:queue"))
    assert "Tick incidents" in client.post(reverse("problems:desk_bulk_link"), {},
                                           follow=True).content.decode()


def test_possible_problems_accept_and_dismiss_with_a_reason(dee, manny, client_for,
                                                            incident_maker):
    first = make_proposal(title="Printer jams", incidents=[incident_maker(title="Jam 1"),
                                                           incident_maker(title="Jam 2")])
    second = make_proposal(title="VPN drops", incidents=[incident_maker(title="VPN")])
    page = client_for(manny).get(reverse("problems:desk_proposals")).content.decode()
    assert "Printer jams" in page and "Jam 2" in page and "Dismiss" not in page
    client = client_for(dee)
    refused = client.post(reverse("problems:desk_proposal_dismiss", args=[second.pk]),
                          {"reason": " "})
    assert refused.status_code == 400
    assert "Say why this is not a problem." in refused.content.decode()
    client.post(reverse("problems:desk_proposal_dismiss", args=[second.pk]),
                {"reason": "Each user's own VPN client."})
    second.refresh_from_db()
    assert second.status == Proposal.Status.DISMISSED
    accepted = client.post(reverse("problems:desk_proposal_accept", args=[first.pk]))
    problem = Problem.objects.get(proposals=first)
    assert accepted.url == problem.get_absolute_url()
    assert problem.stage == Stage.NEW and problem.incident_links.count() == 2
    assert "No possible problems" in client.get(
        reverse("problems:desk_proposals")).content.decode()
