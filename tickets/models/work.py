"""Work done on a ticket: time entries and checklist steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .ticket import Ticket


class TimeEntry(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "time entries"
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0),
                                              name="time_entry_positive")]

    def __str__(self) -> str:
        return f"{self.minutes} min by {self.user} on {self.ticket_id}"


class ChecklistItem(models.Model):
    """One step of a ticket's checklist (maintenance tasks copy their plan's steps)."""

    class Result(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    requires_note = models.BooleanField(default=False)
    requires_result = models.BooleanField(default=False, help_text="Needs a pass/fail result.")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(max_length=4, choices=Result.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["ticket", "position"]
        constraints = [models.UniqueConstraint(fields=["ticket", "position"],
                                               name="checklist_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"
