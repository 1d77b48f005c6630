"""Ticket models: work items, their conversation and timeline, SLA policies, the outbox."""

from .catalog import (  # noqa: F401
    Category,
    PriorityRule,
    TicketCounter,
)
from .conversation import (  # noqa: F401
    Attachment,
    Comment,
    attachment_path,
)
from .facts import (  # noqa: F401
    ANY,
    DAY_GRAINS,
    GRAIN_BITS,
    GRAINS,
    DurationHistogram,
    DurationHistogramDay,
    DurationHistogramMonth,
    Metric,
    OpenTicketFact,
    TicketAssigneeFact,
    TicketCategoryFact,
    TicketDayFact,
    TimeLoggedFact,
)
from .mail import (  # noqa: F401
    MailReference,
    Participant,
)
from .outbox import (  # noqa: F401
    PendingNotification,
)
from .sla import (  # noqa: F401
    DEFAULT_PAUSE,
    Escalation,
    EscalationRule,
    SlaPolicy,
    Trigger,
    default_pause_statuses,
)
from .ticket import (  # noqa: F401
    DONE_STATUSES,
    KIND_BY_PREFIX,
    OPEN_STATUSES,
    PREFIX,
    REACTIVE_KINDS,
    Kind,
    Level,
    Priority,
    Source,
    Status,
    Ticket,
    TicketNumberField,
    TicketQuerySet,
)
from .timeline import (  # noqa: F401
    ImmutableError,
    TicketEvent,
)
from .work import (  # noqa: F401
    ChecklistItem,
    TimeEntry,
)
