"""/api/v1/problems/: roles, create/read/PATCH, link/unlink/transition, the 400s that say
what is wrong, and a list whose query count does not grow with its rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from problems.models import Problem, Stage
from tests.factories import make_ticket
from tickets.models import Kind

pytestmark = pytest.mark.django_db
LIST = "/api/v1/problems/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(problem, name="detail") -> str:
    return reverse(f"api-problem-{name}", args=[problem.pk])


def test_roles(problem_maker, alice, dee, manny, ada):
    problem = problem_maker()
    assert api().get(LIST).status_code in (401, 403)
    assert api(alice).get(LIST).status_code == 403
    assert api(alice).get(url(problem)).status_code == 403
    assert api(manny).get(url(problem)).status_code == 200
    assert api(manny).patch(url(problem), {"symptoms": "x"}, format="json").status_code == 403
    assert api(dee).patch(url(problem), {"symptoms": "x"}, format="json").status_code == 200
    assert api(ada).get(LIST).json()["count"] == 1
    assert api(dee).delete(url(problem)).status_code == 405
    assert api(dee).get(reverse("api-problem-detail", args=["999999"])).status_code == 404
    assert api(dee).get("/api/v1/problems/abc/").status_code == 404


def test_create_with_incident_refs_and_retrieve(dee, incident_maker, service, asset):
    one, two = incident_maker(), incident_maker()
    response = api(dee).post(LIST, {"title": "Mail drops", "service": service.pk,
                                    "asset": asset.pk, "incidents": [one.ref, two.pk]},
                             format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ref"].startswith("PRB-") and body["stage"] == "new"
    assert body["incidents"] == sorted([one.ref, two.ref], key=lambda r: int(r[4:]))
    assert body["services"] == [service.pk] and body["assets"] == [asset.pk]
    assert body["article"] is None and body["fix_plan"] is None
    problem = Problem.objects.get(pk=body["id"])
    assert problem.ticket.source == "api"
    assert api(dee).get(url(problem)).json()["ref"] == body["ref"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "title"),
    ({"title": "   "}, "title"),
    ({"title": 7}, "title"),
    ({"title": "x", "incidents": ["INC-99999"]}, "incidents"),
    ({"title": "x", "incidents": ["nonsense"]}, "incidents"),
    ({"title": "x", "incidents": "INC-1"}, "incidents"),
    ({"title": "x", "service": 0}, "service"),
])
def test_create_refuses_bad_input(dee, body, field):
    response = api(dee).post(LIST, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Problem.objects.exists()


def test_create_refuses_a_non_incident(dee, alice):
    request = make_ticket(alice, kind=Kind.REQUEST, title="New laptop")
    response = api(dee).post(LIST, {"title": "x", "incidents": [request.ref]}, format="json")
    assert response.status_code == 400
    assert "not an incident" in response.json()["incidents"][0]
    assert not Problem.objects.exists()


def test_link_unlink(problem_maker, incident_maker, dee):
    problem, extra = problem_maker(), incident_maker()
    response = api(dee).post(url(problem, "link"), {"incidents": [extra.ref]}, format="json")
    assert response.status_code == 200
    assert response.json()["linked"] == 1 and extra.ref in response.json()["problem"]["incidents"]
    again = api(dee).post(url(problem, "link"), {"incidents": [extra.ref]}, format="json")
    assert again.json()["linked"] == 0
    assert api(dee).post(url(problem, "link"), {"incidents": []},
                         format="json").status_code == 400
    response = api(dee).post(url(problem, "unlink"), {"incident": extra.ref}, format="json")
    assert response.status_code == 200 and extra.ref not in response.json()["incidents"]
    response = api(dee).post(url(problem, "unlink"), {"incident": extra.ref}, format="json")
    assert response.status_code == 400 and "incident" in response.json()


def test_transition_says_what_is_missing(problem_maker, dee):
    problem = problem_maker()
    response = api(dee).post(url(problem, "transition"), {"to": "known_error"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"workaround": ["A known error needs a workaround."]}
    response = api(dee).post(url(problem, "transition"), {"to": "heaven"}, format="json")
    assert response.status_code == 400 and "to" in response.json()
    response = api(dee).post(url(problem, "transition"),
                             {"to": "known_error", "workaround": "Restart."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "known_error" and body["article"] is not None
    assert body["status"] == "in_progress"
    review = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = api(dee).post(url(problem, "transition"),
                             {"to": "risk_accepted", "risk_review_on": review}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == Stage.RISK_ACCEPTED


def test_patch_refuses_bad_fields(problem_maker, dee):
    problem = problem_maker()
    for body, field in (({"cause_category": "gremlins"}, "cause_category"),
                        ({"fix_ticket": "CHG-1"}, "fix_ticket"),
                        ({"fix_ticket": problem.ticket.ref}, "fix_ticket"),
                        ({"workaround": 12}, "workaround"),
                        ({"services": [0]}, "services")):
        response = api(dee).patch(url(problem), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), response.json()


def test_list_filters(problem_maker, dee, service, asset):
    a = problem_maker(title="Disk fills up", service=service, asset=asset)
    problem_maker(title="Printer jams")
    rows = api(dee).get(LIST, {"service": service.pk}).json()["results"]
    assert [row["id"] for row in rows] == [a.pk]
    assert [r["id"] for r in api(dee).get(LIST, {"asset": asset.pk}).json()["results"]] == [a.pk]
    assert [r["id"] for r in api(dee).get(LIST, {"q": "disk"}).json()["results"]] == [a.pk]
    assert [r["id"] for r in api(dee).get(LIST, {"q": a.ticket.ref}).json()["results"]] == [
        a.pk]
    assert api(dee).get(LIST, {"stage": "new"}).json()["count"] == 2
    assert api(dee).get(LIST, {"stage": "bogus"}).status_code == 400
    assert api(dee).get(LIST, {"q": "a\x00b"}).status_code == 400


def test_list_query_count_does_not_grow(problem_maker, incident_maker, dee,
                                        django_assert_max_num_queries):
    problem_maker()
    client = api(dee)
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST).status_code == 200
    for n in range(5):
        problem_maker(title=f"Problem {n}", incidents=[incident_maker(), incident_maker()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).json()["count"] == 6
