"""/api/v1/problems/proposals/: roles, open by default and ?status=, accept opens the
problem, dismiss needs a reason, a decided proposal stays decided, bounded list queries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from problems.models import Problem, Proposal
from problems.services.detection import problems_detect

pytestmark = pytest.mark.django_db
LIST = "/api/v1/problems/proposals/"
TITLES = ["Fan noise", "Screen flicker", "Disk full"]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def proposal(incident_maker, asset):
    for title in TITLES:
        incident_maker(asset=asset, title=title)
    problems_detect(window_days=7, min_incidents=3)
    return Proposal.objects.get(rule="asset")


def url(proposal, name) -> str:
    return reverse(f"api-problem-proposal-{name}", args=[proposal.pk])


def test_roles(proposal, alice, manny, dee):
    assert api().get(LIST).status_code in (401, 403)
    assert api(alice).get(LIST).status_code == 403
    assert api(manny).get(LIST).json()["count"] == 1
    assert api(manny).post(url(proposal, "accept")).status_code == 403
    assert api(manny).post(url(proposal, "dismiss"), {"reason": "x"},
                           format="json").status_code == 403
    assert api(dee).get(url(proposal, "detail")).json()["rule"] == "asset"
    assert api(dee).get(LIST + "abc/").status_code == 404


def test_list_open_by_default_and_by_status(proposal, dee):
    body = api(dee).get(LIST).json()
    assert [row["id"] for row in body["results"]] == [proposal.pk]
    assert len(body["results"][0]["incidents"]) == 3
    assert api(dee).get(LIST, {"status": "dismissed"}).json()["count"] == 0
    assert api(dee).get(LIST, {"status": "all"}).json()["count"] == 1
    bad = api(dee).get(LIST, {"status": "nope"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_accept(proposal, dee):
    response = api(dee).post(url(proposal, "accept"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ref"].startswith("PRB-") and len(body["incidents"]) == 3
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.problem_id == body["id"]
    again = api(dee).post(url(proposal, "accept"))
    assert again.status_code in (400, 409) and Problem.objects.count() == 1
    assert api(dee).get(LIST, {"status": "accepted"}).json()["results"][0]["problem"] == (
        body["ref"])


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}])
def test_dismiss_needs_a_reason(proposal, dee, body):
    response = api(dee).post(url(proposal, "dismiss"), body, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_dismiss(proposal, dee):
    response = api(dee).post(url(proposal, "dismiss"), {"reason": "Planned load test"},
                             format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "dismissed"
    assert response.json()["dismiss_reason"] == "Planned load test"
    again = api(dee).post(url(proposal, "dismiss"), {"reason": "x"}, format="json")
    assert again.status_code in (400, 409)
    assert api(dee).post(url(proposal, "accept")).status_code in (400, 409)


def test_list_queries_do_not_grow(incident_maker, team, dee, django_assert_max_num_queries):
    from tests.factories import AssetFactory

    for n in range(6):
        asset = AssetFactory(name=f"host-{n}")
        for title in TITLES:
            incident_maker(asset=asset, title=f"{title} {n}", service=None)
    problems_detect(window_days=7, min_incidents=3)
    assert Proposal.objects.count() >= 6
    with django_assert_max_num_queries(8):
        response = api(dee).get(LIST)
    assert response.status_code == 200
