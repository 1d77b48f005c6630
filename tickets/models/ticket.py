"""Every piece of work is a Ticket; `kind` says which (incident, request, maintenance…).

Also the choices a ticket is made of (kind, status, source, impact/urgency, priority).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from itsm.models import Asset, Service, Team


class Kind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Service request"
    PROBLEM = "problem", "Problem"
    MAINTENANCE = "maintenance", "Maintenance task"
    PATCH = "patch", "Patch follow-up"
    CAPACITY = "capacity", "Capacity follow-up"


PREFIX = {
    Kind.INCIDENT: "INC",
    Kind.REQUEST: "REQ",
    Kind.PROBLEM: "PRB",
    Kind.MAINTENANCE: "MNT",
    Kind.PATCH: "PAT",
    Kind.CAPACITY: "CAP",
}
KIND_BY_PREFIX = {prefix: kind for kind, prefix in PREFIX.items()}
REACTIVE_KINDS = (Kind.INCIDENT, Kind.REQUEST, Kind.PROBLEM)


class Status(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting on customer"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.ON_HOLD)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class Source(models.TextChoices):
    PORTAL = "portal", "Portal"
    API = "api", "API"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone / walk-in"
    MONITORING = "monitoring", "Monitoring"
    MAINTENANCE = "maintenance", "Maintenance plan"
    CAPACITY = "capacity", "Capacity forecast"


class Level(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Priority(models.IntegerChoices):
    P1 = 1, "P1 Critical"
    P2 = 2, "P2 High"
    P3 = 3, "P3 Medium"
    P4 = 4, "P4 Low"


class TicketNumberField(models.PositiveIntegerField):
    """Read back from the INSERT (RETURNING), so a number the INSERT itself takes from a
    sequence (tickets.services.numbering) costs no extra round trip."""

    db_returning = True


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def for_list(self):
        # Lists never show the description or the search vector; leave them on disk.
        return (self.select_related("requester", "assignee", "team", "category", "service")
                .defer("description", "search", "rating_comment"))


class Ticket(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INCIDENT)
    number = TicketNumberField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown")
    # FK indexes left out where a composite index below starts with the column, or where
    # the only use is a rare delete in the admin: each index costs every write.
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="requested_tickets", db_index=False)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tickets", db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tickets",
                                 db_index=False)
    category = models.ForeignKey("tickets.Category", null=True, blank=True,
                                 on_delete=models.SET_NULL)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL)
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL,
                              db_index=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)
    impact = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.LOW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P4)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    # Planned work (maintenance tasks, patch follow-ups) is due at a set moment.
    due_at = models.DateTimeField(null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="follow_ups", db_index=False,
                               help_text="The work item this one was raised from.")
    # Bumped by every change; a save carrying an older version is refused (two DSEs at once).
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # SLA clocks (tickets/sla.py). Time used is banked whenever the clock stops or the
    # rules change; deadlines are stored so queues and the sweep use indexes.
    sla_policy = models.ForeignKey("SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="tickets", db_index=False)
    sla_running_since = models.DateTimeField(null=True, blank=True)
    response_target = models.DurationField(null=True, blank=True)
    resolution_target = models.DurationField(null=True, blank=True)
    response_used = models.DurationField(default=timedelta(0))
    resolution_used = models.DurationField(default=timedelta(0))
    response_warn_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    next_warn_at = models.DateTimeField(null=True, blank=True)
    # Set once by the sweep when a moment passes; cleared if a change moves it ahead again.
    response_warned_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    # Outcomes, fixed when the clock stops: False = met, True = breached, None = not yet.
    response_breached = models.BooleanField(null=True, blank=True)
    resolution_breached = models.BooleanField(null=True, blank=True)
    # Any target breached (by time used, a sweep mark or an outcome): the desk's "breached"
    # view reads this column through an index instead of comparing durations per row.
    sla_breached = models.BooleanField(default=False)

    # Filled by a Postgres trigger (migration 0002); stays NULL on SQLite, which searches
    # with LIKE instead.
    search = SearchVectorField(null=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="ticket_number_per_kind"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                                   name="ticket_rating_1_to_5"),
        ]
        indexes = [
            # The desk's default queues: open work, newest activity first.
            models.Index(fields=["-updated_at"], condition=Q(status__in=OPEN_STATUSES),
                         name="ticket_open_updated"),
            models.Index(fields=["-updated_at"], name="ticket_updated"),
            models.Index(fields=["assignee", "status", "-updated_at"], name="ticket_assignee"),
            models.Index(fields=["team", "status", "-updated_at"], name="ticket_team"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
            models.Index(fields=["status", "resolved_at"], name="ticket_status_resolved"),
            models.Index(fields=["created_at"], name="ticket_created"),
            # Queues sorted by the next SLA deadline, and the "at risk" view.
            models.Index(fields=["next_due_at"], condition=Q(status__in=OPEN_STATUSES),
                         name="ticket_open_next_due"),
            models.Index(fields=["next_warn_at"], condition=Q(status__in=OPEN_STATUSES),
                         name="ticket_open_next_warn"),
            models.Index(fields=["next_due_at"], name="ticket_open_breached",
                         condition=Q(status__in=OPEN_STATUSES, sla_breached=True)),
            # The desk's "unassigned in my teams" queue and assignee=none, newest first.
            models.Index(fields=["-updated_at"], name="ticket_open_unassigned",
                         condition=Q(assignee__isnull=True, status__in=OPEN_STATUSES)),
            # Its count badge and queue per team: "unassigned in my teams" reads only the
            # rows of the user's teams, however many other teams' tickets wait.
            models.Index(fields=["team", "-updated_at"], name="ticket_open_unassigned_team",
                         condition=Q(assignee__isnull=True, status__in=OPEN_STATUSES)),
            # Follow-ups of a work item (few tickets have a parent: a small partial index).
            models.Index(fields=["parent"], name="ticket_parent",
                         condition=Q(parent__isnull=False)),
            # Counts of open tickets, exact for any filter: the "mine" and "unassigned" tab
            # badges and the reports' open-now figures (per assignee, by age). Every column
            # they or a filter read is here, so each COUNT is an index-only scan. (At risk
            # and breached are few: their partial indexes above.)
            models.Index(fields=["assignee", "team"], name="ticket_open_counts",
                         include=["id", "status", "priority", "kind", "service", "category",
                                  "requester", "created_at", "sla_breached", "due_at"],
                         condition=Q(status__in=OPEN_STATUSES)),
            # Report lists, newest first, that would otherwise read a year's resolved
            # tickets to find a few: SLA breaches, and ratings with a comment.
            models.Index(fields=["-resolved_at"], name="ticket_breaches_resolved",
                         condition=Q(response_breached=True) | Q(resolution_breached=True)),
            models.Index(fields=["-rated_at"], name="ticket_rated_comments",
                         condition=Q(rating__isnull=False) & ~Q(rating_comment="")),
            # Incidents per service in a span (the planned-work effect): index-only ranges.
            models.Index(fields=["service", "created_at"], name="ticket_incident_service",
                         include=["id", "team", "priority"], condition=Q(kind="incident")),
            # Open work sorted by priority.
            models.Index(fields=["priority", "-updated_at"], name="ticket_open_priority",
                         condition=Q(status__in=OPEN_STATUSES)),
            # The SLA sweep: "moments that passed". Mark columns stay out of these indexes so
            # that marking a breach is a HOT update that touches no index at all.
            models.Index(fields=["response_warn_at"], name="sla_response_warn",
                         condition=Q(response_warn_at__isnull=False)),
            models.Index(fields=["response_due_at"], name="sla_response_due",
                         condition=Q(response_due_at__isnull=False)),
            models.Index(fields=["resolution_warn_at"], name="sla_resolution_warn",
                         condition=Q(resolution_warn_at__isnull=False)),
            models.Index(fields=["resolution_due_at"], name="sla_resolution_due",
                         condition=Q(resolution_due_at__isnull=False)),
        ]
        permissions = [
            ("work_ticket", "Can work tickets on the desk"),
            ("view_all_tickets", "Can see every ticket"),
            ("view_reports", "Can see manager reports"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("portal:ticket", args=[self.ref])

    @property
    def ref(self) -> str:
        return f"{PREFIX[self.kind]}-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_desk_url(self) -> str:
        return reverse("desk:ticket", args=[self.ref])
