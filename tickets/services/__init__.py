"""Ticket services: every write with rules; the SLA engine, numbering and outbox live beside.

Call sites use `from tickets import services; services.ticket_create(...)`; each name is
re-exported here from the module that holds it.
"""

from .bulk import BulkResult, tickets_bulk_update
from .changes import Action, TicketConflict, notifications_muted
from .checklist import checklist_tick
from .closing import tickets_auto_close
from .comments import comment_add, ticket_reply
from .escalation import ticket_escalate
from .ticket import (
    UPDATABLE,
    ticket_create,
    ticket_notice,
    ticket_rate,
    ticket_transition,
    ticket_update,
)
from .worklog import time_log

__all__ = [
    "UPDATABLE",
    "Action",
    "BulkResult",
    "TicketConflict",
    "checklist_tick",
    "comment_add",
    "notifications_muted",
    "ticket_create",
    "ticket_escalate",
    "ticket_notice",
    "ticket_rate",
    "ticket_reply",
    "ticket_transition",
    "ticket_update",
    "tickets_auto_close",
    "tickets_bulk_update",
    "time_log",
]
