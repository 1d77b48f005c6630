"""The problems desk rows of tests/test_role_matrix.py, and the objects its URLs need.

tests/test_role_matrix.py adds them with:

    from tests.problems.web.role_rules import problems_rules, problems_world
    RULES.update(problems_rules(Rule, who, LOGIN, OK))
    # in the `world` fixture:
    "pk": {..., **problems_world(dee=dee, alice=alice)}

Support staff read problems (managers too); support engineers work them.
"""


def problems_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    staff_page = who(LOGIN, 403, 403, 200, 200)
    agent_post = who(LOGIN, 403, 403, OK, 403)
    post_only = who(LOGIN, 405, 405, 405, 405)
    rules = {"problems:desk_problems": Rule(get=staff_page),
             "problems:desk_problem": Rule(get=staff_page),
             "problems:desk_proposals": Rule(get=staff_page)}
    for name in ("desk_problem_save", "desk_problem_link", "desk_problem_unlink",
                 "desk_problem_send", "desk_problem_plan", "desk_problem_why", "desk_from_incident",
                 "desk_bulk_link", "desk_proposal_accept", "desk_proposal_dismiss"):
        rules[f"problems:{name}"] = Rule(get=post_only, post=agent_post)
    # API: the same split. DRF decides permissions before methods: a wrong method is 405
    # only for who may reach the endpoint at all.
    api_read = who(401, 403, 403, 200, 200)
    api_post = who(401, 403, 403, OK, 403)
    get_refused = who(401, 403, 403, 405, 405)
    post_refused = who(401, 403, 403, 405, 403)
    rules.update({
        "api-problem-list": Rule(get=api_read, post=api_post, api=True),
        "api-problem-detail": Rule(get=api_read, post=post_refused, api=True),
        "api-problem-proposal-list": Rule(get=api_read, post=post_refused, api=True),
        "api-problem-proposal-detail": Rule(get=api_read, api=True),
    })
    for name in ("link", "unlink", "transition", "proposal-accept", "proposal-dismiss"):
        rules[f"api-problem-{name}"] = Rule(get=get_refused, post=api_post, api=True)
    return rules


def problems_world(*, dee, alice) -> dict[str, int]:
    """pk of the problem each problems URL with a <pk> is tried on."""
    from problems.services import problem_create
    from tests.factories import make_ticket

    incident = make_ticket(alice, title="Role matrix: mail bounces")
    problem = problem_create(actor=dee, title="Role matrix: mail relay", incidents=[incident])
    proposal = make_proposal(title="Role matrix: printer jams",
                             incidents=[make_ticket(alice, title="Printer jams")])
    return {**{f"problems:{name}": problem.pk for name in (
        "desk_problem", "desk_problem_save", "desk_problem_link", "desk_problem_unlink",
        "desk_problem_send", "desk_problem_plan", "desk_problem_why")},
        **{f"api-problem-{name}": problem.pk for name in (
            "detail", "link", "unlink", "transition")},
        **{f"api-problem-proposal-{name}": proposal.pk for name in (
            "detail", "accept", "dismiss")},
        "problems:desk_proposal_accept": proposal.pk,
        "problems:desk_proposal_dismiss": proposal.pk}


def make_proposal(*, title, incidents, key=None):
    """An open proposal as detection leaves one (the test's own data, not a service call)."""
    from problems.models import Proposal, Rule

    proposal = Proposal.objects.create(rule=Rule.TITLE, key=key or f"title:{title}",
                                       title=title)
    proposal.incidents.set(incidents)
    return proposal
