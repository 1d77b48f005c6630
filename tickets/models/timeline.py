"""A ticket's timeline: append-only entries of who changed what, from what, to what, when."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .ticket import Ticket


class ImmutableError(Exception):
    pass


class TicketEvent(models.Model):
    """The ticket's timeline: who changed what, from what, to what, when. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        STATUS = "status", "Status"
        REPLIED = "replied", "Replied"
        NOTE = "note", "Internal note"
        ATTACHED = "attached", "Attached"
        TIME = "time", "Time logged"
        RATED = "rated", "Rated"
        SLA = "sla", "SLA"
        CHECKLIST = "checklist", "Checklist"
        NOTICE = "notice", "Notice"

    # No index of its own: event_ticket_at starts with the ticket (each index costs every
    # write, and a filing writes several events).
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events",
                               db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, help_text="Empty for Tend itself")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    field = models.CharField(max_length=40, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    message = models.TextField(blank=True)
    # The ticket version this change produced; a stale editor is shown the newer ones.
    version = models.PositiveIntegerField(default=1)
    # Internal notes' events are hidden from end users like the notes themselves.
    is_internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="event_ticket_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.field} on {self.ticket_id} at {self.at}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("Timeline entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Timeline entries cannot be deleted.")
