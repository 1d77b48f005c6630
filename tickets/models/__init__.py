"""Ticket models: work items, their conversation and timeline, SLA policies, the outbox."""

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
    Attachment,
    Category,
    ChecklistItem,
    Comment,
    ImmutableError,
    Kind,
    Level,
    Priority,
    PriorityRule,
    Source,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketNumberField,
    TicketQuerySet,
    TimeEntry,
    attachment_path,
)
