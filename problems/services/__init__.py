"""Problem services: the only code that writes problem models."""

from problems.services.analysis import problem_add_why
from problems.services.closing import problems_close_quiet
from problems.services.errors import ProblemError
from problems.services.links import problem_link_incidents, problem_unlink_incident
from problems.services.problems import (
    problem_create,
    problem_create_from_incident,
    problem_make_plan,
    problem_transition,
    problem_update,
)
from problems.services.workarounds import problem_send_workaround

__all__ = ["ProblemError", "problem_add_why", "problem_create", "problem_create_from_incident",
           "problem_link_incidents", "problem_make_plan", "problem_send_workaround",
           "problem_transition", "problem_unlink_incident", "problem_update",
           "problems_close_quiet"]
