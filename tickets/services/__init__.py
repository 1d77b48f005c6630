"""Ticket services: every write with rules; the SLA engine, numbering and outbox live beside."""

from .ticket import (  # noqa: F401
    UPDATABLE,
    Action,
    BulkResult,
    TicketConflict,
    checklist_tick,
    comment_add,
    notifications_muted,
    ticket_create,
    ticket_escalate,
    ticket_notice,
    ticket_rate,
    ticket_transition,
    ticket_update,
    tickets_auto_close,
    tickets_bulk_update,
    time_log,
)
