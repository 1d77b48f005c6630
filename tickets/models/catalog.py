"""What tickets are sorted by: the priority matrix, categories, and the number counters."""

from django.db import models

from itsm.models import Team

from .ticket import Kind, Level, Priority


class PriorityRule(models.Model):
    """One cell of the impact × urgency matrix; admins can change the priority it gives."""

    impact = models.PositiveSmallIntegerField(choices=Level.choices)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)

    class Meta:
        ordering = ["impact", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique_cell"),
        ]

    def __str__(self) -> str:
        return (f"impact {self.get_impact_display()} × urgency {self.get_urgency_display()}"
                f" → {self.get_priority_display()}")


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                                     help_text="New tickets in this category go to this team.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """The last number handed out per kind; bumped under a row lock in tickets.services."""

    kind = models.CharField(max_length=20, choices=Kind.choices, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.last}"
