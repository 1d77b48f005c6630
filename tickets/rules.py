"""The rules of the ticket lifecycle, kept as data so services, forms and pages agree."""

from itsm.performance.config_cache import config
from tickets.models import Category, Level, PriorityRule, Status

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_PROGRESS, S.WAITING, S.ON_HOLD, S.RESOLVED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.ON_HOLD, S.RESOLVED, S.CANCELLED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.RESOLVED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.WAITING, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),  # confirm, or reopen
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# What the requester may do to their own ticket: confirm or reopen a resolved one,
# withdraw an open one.
REQUESTER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.CANCELLED}),
    S.WAITING: frozenset({S.CANCELLED}),
    S.ON_HOLD: frozenset({S.CANCELLED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
}

# Default impact × urgency → priority, used when the matrix table has no row.
DEFAULT_MATRIX = {
    (Level.HIGH, Level.HIGH): 1, (Level.HIGH, Level.MEDIUM): 2, (Level.HIGH, Level.LOW): 3,
    (Level.MEDIUM, Level.HIGH): 2, (Level.MEDIUM, Level.MEDIUM): 3, (Level.MEDIUM, Level.LOW): 4,
    (Level.LOW, Level.HIGH): 3, (Level.LOW, Level.MEDIUM): 4, (Level.LOW, Level.LOW): 4,
}

# How the portal asks for impact and urgency, in words an end user can answer.
IMPACT_WORDS = {
    Level.HIGH: "Many people or a whole service are affected",
    Level.MEDIUM: "My team or several people are affected",
    Level.LOW: "Only me",
}
URGENCY_WORDS = {
    Level.HIGH: "I cannot work at all",
    Level.MEDIUM: "I can work, but it is slow or awkward",
    Level.LOW: "It can wait",
}


def allowed_transitions(status: str, *, as_requester: bool) -> frozenset[str]:
    table = REQUESTER_TRANSITIONS if as_requester else TRANSITIONS
    return table.get(status, frozenset())


@config("tickets.PriorityRule")
def priority_matrix() -> dict[tuple[int, int], int]:
    stored = {(impact, urgency): priority for impact, urgency, priority
              in PriorityRule.objects.values_list("impact", "urgency", "priority")}
    return {**DEFAULT_MATRIX, **stored}


def priority_for(impact: int, urgency: int) -> int:
    return priority_matrix()[(impact, urgency)]


@config("tickets.Category")
def categories_offered() -> bool:
    """Are there categories to choose from? (The portal leaves the question out if not.)"""
    return Category.objects.filter(is_active=True).exists()


def title_normalise(title: object) -> str:
    """A title is one line, wherever it comes from (web, API, mail, monitoring): every run
    of whitespace, line breaks and Unicode line/paragraph separators included, becomes
    one space, and the ends are stripped. Services, forms and serializers all call this."""
    return " ".join(str(title or "").split())
