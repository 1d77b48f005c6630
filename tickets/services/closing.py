"""Closing resolved tickets automatically once nobody reopened them for a while."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tickets.models import Kind, Status, Ticket, TicketEvent
from tickets.services import facts
from tickets.services.changes import Action

BATCH = 500


def tickets_auto_close(*, now: datetime | None = None) -> int:
    """Close tickets resolved more than TEND_AUTO_CLOSE_DAYS ago. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TEND_AUTO_CLOSE_DAYS)
    closed = 0
    while True:
        with transaction.atomic():
            batch = dict(Ticket.objects.select_for_update(skip_locked=True)
                         .filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
                         # A problem closes after its own quiet period (problems/services).
                         .exclude(kind=Kind.PROBLEM)
                         .values_list("pk", "version")[:BATCH])
            if not batch:
                return closed
            previous = facts.states(batch)
            # Guarded: only rows still resolved move, so a concurrent reopen wins.
            Ticket.objects.filter(pk__in=batch, status=Status.RESOLVED).update(
                status=Status.CLOSED, closed_at=now, updated_at=now, version=F("version") + 1)
            facts.facts_rows_changed(previous=previous, current=facts.states(batch))
            message = f"Closed automatically {settings.TEND_AUTO_CLOSE_DAYS} days after resolution."
            TicketEvent.objects.bulk_create(
                TicketEvent(ticket_id=pk, actor=None, at=now, action=Action.STATUS,
                            field="status", old_value=Status.RESOLVED.label,
                            new_value=Status.CLOSED.label, message=message, version=version + 1)
                for pk, version in batch.items())
            closed += len(batch)
