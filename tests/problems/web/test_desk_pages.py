"""The problems desk pages: who may see them, what they show, and the one-click create."""

from django.urls import reverse

from problems.models import Problem


def test_end_user_gets_404(client_for, alice, problem_maker):
    problem = problem_maker()
    client = client_for(alice)
    assert client.get(reverse("problems:desk_problems")).status_code in (403, 404)
    assert client.get(reverse("problems:desk_problem", args=[problem.pk])).status_code in (403, 404)


def test_list_shows_problems_in_few_queries(client_for, dee, problem_maker,
                                            django_assert_max_num_queries):
    for n in range(3):
        problem_maker(title=f"Problem {n}")
    client = client_for(dee)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("problems:desk_problems"))
    assert response.status_code == 200
    assert b"Problem 2" in response.content


def test_manager_reads_without_form(client_for, manny, problem_maker):
    problem = problem_maker()
    response = client_for(manny).get(reverse("problems:desk_problem", args=[problem.pk]))
    assert response.status_code == 200
    assert b"desk_problem_save" not in response.content
    assert reverse("problems:desk_problem_save", args=[problem.pk]).encode() \
        not in response.content


def test_dse_sees_form_and_creates_from_incident(client_for, dee, incident_maker):
    incident = incident_maker(title="VPN down")
    client = client_for(dee)
    response = client.post(reverse("problems:desk_from_incident", args=[incident.ref]))
    problem = Problem.objects.get(incident_links__incident=incident)
    assert response.status_code == 302
    assert response["Location"] == problem.get_absolute_url()
    page = client.get(problem.get_absolute_url())
    assert page.status_code == 200
    assert b"VPN down" in page.content
    assert reverse("problems:desk_problem_save", args=[problem.pk]).encode() in page.content
