"""Problem models, one module per aggregate."""

from problems.models.problem import (
    OPEN_STAGES,
    CauseCategory,
    Problem,
    ProblemIncident,
    Stage,
    WorkaroundNote,
)
from problems.models.proposal import Proposal, Rule

__all__ = ["OPEN_STAGES", "CauseCategory", "Problem", "ProblemIncident", "Proposal", "Rule",
           "Stage", "WorkaroundNote"]
