"""The desk's problem pages: who may enter, the list, the problem form and its stage
buttons, linking incidents, and the desk ticket panel."""

import pytest
from django.urls import reverse

from problems import services
from problems.models import Problem, Stage

pytestmark = pytest.mark.django_db
LIST = reverse("problems:desk_problems")


def _url(name, problem, *args):
    return reverse(f"problems:{name}", args=[problem.pk, *args])


def _form_data(problem, **changes):
    data = {"title": problem.ticket.title, "statement": problem.statement,
            "symptoms": problem.symptoms, "root_cause": problem.root_cause,
            "cause_category": problem.cause_category, "workaround": problem.workaround,
            "permanent_fix": problem.permanent_fix,
            "services": [s.pk for s in problem.services.all()],
            "assets": [a.pk for a in problem.assets.all()],
            "team": problem.ticket.team_id or "", "assignee": problem.ticket.assignee_id or "",
            "risk_review_on": "", "duplicate_of": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_end_users_are_kept_out_managers_read_and_dses_work(alice, manny, dee, client_for,
                                                            problem_maker):
    problem = problem_maker()
    for url in (LIST, _url("desk_problem", problem)):
        assert client_for(alice).get(url).status_code == 403
        assert client_for(manny).get(url).status_code == 200
        assert client_for(dee).get(url).status_code == 200
    page = client_for(manny).get(_url("desk_problem", problem)).content.decode()
    assert "problem-form" not in page and "Create problem" not in page
    posted = client_for(manny).post(_url("desk_problem_save", problem),
                                    _form_data(problem, statement="x"))
    assert posted.status_code == 403
    assert "problem-form" in client_for(dee).get(_url("desk_problem", problem)).content.decode()


def test_an_unknown_problem_is_a_404(dee, client_for):
    assert client_for(dee).get(reverse("problems:desk_problem", args=[999999])).status_code == 404


def test_the_list_filters_searches_and_counts_stages(dee, client_for, problem_maker):
    mail = problem_maker(title="Mail server drops connections")
    problem_maker(title="Printer spooler hangs")
    services.problem_update(problem=mail, actor=dee, workaround="Restart the client.")
    services.problem_transition(problem=mail, to=Stage.KNOWN_ERROR, actor=dee)
    client = client_for(dee)
    page = client.get(LIST).content.decode()
    assert "Mail server" in page and "Printer spooler" in page
    assert 'data-stage-count="known_error">1<' in page and 'data-stage-count="new">1<' in page
    assert "Printer" not in client.get(LIST, {"stage": "known_error"}).content.decode()
    found = client.get(LIST, {"q": "spooler"}).content.decode()
    assert "Printer spooler" in found and "Mail server" not in found
    assert "Mail server" in client.get(LIST, {"q": mail.ticket.ref}).content.decode()
    assert "No problem matches" in client.get(LIST, {"mine": "1"}).content.decode()


def test_the_list_costs_the_same_queries_for_few_or_many(dee, client_for, problem_maker,
                                                         django_assert_max_num_queries):
    client = client_for(dee)
    problem_maker()
    client.get(LIST)
    with django_assert_max_num_queries(15) as few:
        client.get(LIST)
    for n in range(8):
        problem_maker(title=f"Problem {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Problem 7" in client.get(LIST).content.decode()


def test_the_form_saves_and_renders_markdown_safely(dee, client_for, problem_maker):
    problem = problem_maker()
    client = client_for(dee)
    response = client.post(_url("desk_problem_save", problem), _form_data(
        problem, symptoms="**Bounces** <script>alert(1)</script>", cause_category="software"))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.cause_category == "software"
    page = client.get(_url("desk_problem", problem)).content.decode()
    assert "<strong>Bounces</strong>" in page and "<script>alert(1)" not in page


def test_stage_buttons_are_the_allowed_moves_and_refusals_are_form_errors(
        dee, client_for, problem_maker):
    problem = problem_maker()
    client = client_for(dee)
    page = client.get(_url("desk_problem", problem)).content.decode()
    assert 'data-stage-button="known_error"' in page
    assert 'data-stage-button="resolved"' not in page  # new cannot go straight there
    refused = client.post(_url("desk_problem_save", problem),
                          {**_form_data(problem), "to": "known_error"})
    assert refused.status_code == 400
    assert "A known error needs a workaround." in refused.content.decode()
    problem.refresh_from_db()
    assert problem.stage == Stage.NEW
    moved = client.post(_url("desk_problem_save", problem),
                        {**_form_data(problem, workaround="Use webmail."), "to": "known_error"})
    assert moved.status_code == 302
    problem.refresh_from_db()
    assert problem.stage == Stage.KNOWN_ERROR and problem.workaround == "Use webmail."


def test_a_bad_form_is_a_400_with_errors(dee, client_for, problem_maker):
    problem = problem_maker()
    response = client_for(dee).post(_url("desk_problem_save", problem),
                                    _form_data(problem, title="", cause_category="nope"))
    assert response.status_code == 400
    assert 'data-field-error="title"' in response.content.decode()
    assert 'data-field-error="cause_category"' in response.content.decode()


def test_linking_by_refs_and_unlinking(dee, client_for, problem_maker, incident_maker):
    problem = problem_maker(incidents=[])
    one, two = incident_maker(title="No mail"), incident_maker(title="Mail slow")
    client = client_for(dee)
    response = client.post(_url("desk_problem_link", problem),
                           {"refs": f"{one.ref}, {two.ref}"}, follow=True)
    assert "2 incidents linked." in response.content.decode()
    assert problem.incident_links.count() == 2
    bad = client.post(_url("desk_problem_link", problem), {"refs": "INC-99999, PRB-1, junk"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "No incident INC-99999." in text and "is not an incident" in text
    client.post(_url("desk_problem_unlink", problem, one.ref))
    assert list(problem.incident_links.values_list("incident_id", flat=True)) == [two.pk]


def test_create_from_incident_panel_and_known_error_banner(dee, client_for, incident_maker,
                                                          service):
    incident = incident_maker(title="Outlook cannot connect")
    client = client_for(dee)
    page = client.get(incident.get_desk_url()).content.decode()
    assert "Create problem from incident" in page and "Not linked to a problem" in page
    response = client.post(reverse("problems:desk_from_incident", args=[incident.ref]))
    problem = Problem.objects.get(created_from=incident)
    assert response.status_code == 302 and response.url == problem.get_absolute_url()
    assert problem.ticket.ref in client.get(incident.get_desk_url()).content.decode()
    services.problem_update(problem=problem, actor=dee, workaround="Use **webmail**.")
    services.problem_transition(problem=problem, to=Stage.KNOWN_ERROR, actor=dee)
    other = incident_maker(title="Mail gone", service=service)
    banner = client.get(other.get_desk_url()).content.decode()
    assert "data-known-error" in banner and "<strong>webmail</strong>" in banner
    prb = client.get(problem.ticket.get_desk_url()).content.decode()
    assert "open its problem page" in prb


def test_managers_do_not_get_create_problem(manny, client_for, incident_maker):
    incident = incident_maker()
    page = client_for(manny).get(incident.get_desk_url()).content.decode()
    assert "Not linked to a problem" in page and "Create problem from incident" not in page
    assert client_for(manny).post(
        reverse("problems:desk_from_incident", args=[incident.ref])).status_code == 403


def test_five_whys_are_asked_in_order_and_a_blank_answer_is_a_form_error(
        dee, client_for, problem_maker):
    problem = problem_maker()
    client = client_for(dee)
    for why, answer in (("Why did mail bounce?", "The relay refused connections."),
                        ("Why did the relay refuse?", "Its certificate had expired.")):
        response = client.post(_url("desk_problem_why", problem),
                               {"why": why, "answer": answer})
        assert response.status_code == 302
    refused = client.post(_url("desk_problem_why", problem), {"why": "Why expired?",
                                                              "answer": ""})
    assert refused.status_code == 400
    assert 'data-field-error="answer"' in refused.content.decode()
    page = client.get(_url("desk_problem", problem)).content.decode()
    whys = page[page.index('id="whys-heading"'):]
    assert whys.index("Why did mail bounce?") < whys.index("Why did the relay refuse?")
    assert "Its certificate had expired." in whys and "Why expired?" not in whys


def test_the_timeline_shows_what_happened_around_the_service(dee, client_for, problem_maker,
                                                              service):
    from monitoring import services as monitoring_services

    problem = problem_maker()
    monitoring_services.check_create(actor=dee, kind="tcp", name="Relay port 25",
                                     target="127.0.0.1:9", service=service, paused=True)
    page = client_for(dee).get(_url("desk_problem", problem)).content.decode()
    timeline = page[page.index('id="rca-heading"'):page.index('id="whys-heading"')]
    assert "Relay port 25" in timeline and "monitoring" in timeline
    assert f"{problem.incident_links.get().incident.ref} opened" in timeline


def test_the_page_costs_the_same_queries_with_a_long_timeline(dee, client_for, problem_maker,
                                                               incident_maker,
                                                               django_assert_max_num_queries):
    problem = problem_maker()
    client = client_for(dee)
    client.get(_url("desk_problem", problem))
    with django_assert_max_num_queries(60) as few:
        client.get(_url("desk_problem", problem))
    services.problem_link_incidents(problem=problem, actor=dee,
                                    incidents=[incident_maker(title=f"Bounce {n}")
                                               for n in range(6)])
    for n in range(4):
        services.problem_add_why(problem=problem, actor=dee, why=f"Why {n}?", answer="So.")
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        assert "Bounce 5" in client.get(_url("desk_problem", problem)).content.decode()
