"""Problem reads with rules: visibility here, and nowhere else."""

from problems.selectors.problems import (
    get_visible_problem,
    known_errors_for,
    problems_for_list,
    problems_of_incident,
    visible_problems,
)
from problems.services.lifecycle import allowed_stages

__all__ = ["allowed_stages", "get_visible_problem", "known_errors_for", "problems_for_list",
           "problems_of_incident", "visible_problems"]
