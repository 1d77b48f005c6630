"""Checks, their results, their state changes, and the incidents they opened.

`CheckStateChange` rows are the source of truth for downtime and availability; raw
`CheckResult` rows are short-lived (TEND_RESULTS_RETENTION_DAYS) and `CheckRollup` keeps
hourly counts for years.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from itsm.models import Asset, Service, Team
from monitoring import netguard, slots
from monitoring.models.states import Outcome, State, StateMachineMixin
from tickets.models import Priority, Ticket


class Kind(models.TextChoices):
    HTTP = "http", "HTTP(S)"
    TCP = "tcp", "TCP connect"
    DNS = "dns", "DNS"
    TLS = "tls", "TLS certificate expiry"
    HEARTBEAT = "heartbeat", "Heartbeat (push)"


class IncidentMode(models.TextChoices):
    RESOLVE = "resolve", "Resolve the incident when the check recovers"
    COMMENT = "comment", "Only add a timeline entry when the check recovers"


class Method(models.TextChoices):
    GET = "GET", "GET"
    HEAD = "HEAD", "HEAD"
    POST = "POST", "POST"


class KeywordMode(models.TextChoices):
    NONE = "", "Do not look for a keyword"
    PRESENT = "present", "The body must contain the keyword"
    ABSENT = "absent", "The body must not contain the keyword"


class Check(StateMachineMixin, models.Model):
    # What and how.
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.HTTP)
    name = models.CharField(max_length=120)
    target = models.CharField(
        max_length=500, blank=True,
        help_text="HTTP: a URL. TCP and TLS: host:port. DNS: a host name. Heartbeat: empty.")
    http_method = models.CharField(max_length=6, choices=Method.choices, default=Method.GET)
    expected_status = models.CharField(
        max_length=100, default="200-299",
        help_text="Status codes that count as up: e.g. 200-299 or 200,204,301.")
    keyword = models.CharField(max_length=200, blank=True)
    keyword_mode = models.CharField(max_length=8, choices=KeywordMode.choices, blank=True)
    degraded_ms = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="degraded above (ms)",
        help_text="A response slower than this counts as degraded. Empty: never.")
    verify_tls = models.BooleanField(default=True, verbose_name="verify TLS certificate")
    follow_redirects = models.BooleanField(default=True)
    dns_expected = models.CharField(max_length=200, blank=True,
                                    verbose_name="expected address",
                                    help_text="DNS: an address the name must resolve to.")
    tls_warn_days = models.PositiveSmallIntegerField(
        default=21, verbose_name="warn days before expiry")
    period = models.PositiveIntegerField(
        default=3600, help_text="Heartbeat: seconds between pings (3600 = hourly).")
    grace = models.PositiveIntegerField(
        default=300, help_text="Heartbeat: seconds a ping may be late before it counts.")

    # When.
    interval = models.PositiveIntegerField(default=60, help_text="Seconds between runs (≥ 10).")
    timeout = models.PositiveSmallIntegerField(default=10, help_text="Seconds (≤ 30).")
    failure_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Consecutive failures before the check is down.")
    recovery_threshold = models.PositiveSmallIntegerField(
        default=2, help_text="Consecutive successes before a down check is up again.")
    paused = models.BooleanField(default=False)

    # Who cares.
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="checks")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="checks")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="checks", help_text="Gets the incidents.")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P2,
                                                help_text="Priority of its incidents.")
    incident_mode = models.CharField(max_length=8, choices=IncidentMode.choices,
                                     default=IncidentMode.RESOLVE)

    # The ping URL's secret for heartbeats; also seeds the check's offset in its interval.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False)

    # State, written by the dispatcher only (see states.py).
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNKNOWN,
                             editable=False)
    state_since = models.DateTimeField(default=timezone.now, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    consecutive_successes = models.PositiveIntegerField(default=0, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    recovering_since = models.DateTimeField(null=True, blank=True, editable=False)
    flapping = models.BooleanField(default=False, editable=False)
    recent_changes = models.JSONField(default=list, blank=True, editable=False,
                                      help_text="Epoch seconds of recent up/down changes.")
    last_planned_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True,
                                    editable=False)
    last_latency_ms = models.FloatField(null=True, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    last_message = models.CharField(max_length=300, blank=True, editable=False)
    # Heartbeats: written by the ping endpoint in one UPDATE.
    last_ping_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_ping_kind = models.CharField(max_length=8, blank=True, editable=False)
    last_start_at = models.DateTimeField(null=True, blank=True, editable=False)
    watch_since = models.DateTimeField(default=timezone.now, editable=False)
    # TLS: the certificate's end of validity, and the one a renewal ticket was raised for.
    tls_not_after = models.DateTimeField(null=True, blank=True, editable=False)
    renewal_for = models.DateTimeField(null=True, blank=True, editable=False)
    renewal_ticket = models.ForeignKey(Ticket, null=True, blank=True, editable=False,
                                       on_delete=models.SET_NULL, related_name="+")
    # The incident of the current outage: at most one per check.
    open_incident = models.OneToOneField("CheckIncident", null=True, blank=True,
                                         editable=False, on_delete=models.SET_NULL,
                                         related_name="+")

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   editable=False, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The dispatcher: "active checks due by now + lookahead", oldest first.
            models.Index(fields=["next_run_at"], condition=Q(paused=False),
                         name="check_due"),
            # The board: every check by name, a page at a time, or one state's checks.
            models.Index(fields=["name", "id"], name="check_name"),
            models.Index(fields=["state", "name"], name="check_state"),
            models.Index(fields=["service", "state"], name="check_service"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:check", args=[self.pk])

    @property
    def display_target(self) -> str:
        return netguard.strip_userinfo(self.target)

    @property
    def every(self) -> int:
        """Seconds between runs: the period for heartbeats, the interval otherwise."""
        return self.period if self.kind == Kind.HEARTBEAT else self.interval

    @property
    def offset_ms(self) -> int:
        return slots.offset_ms(self.uuid, self.every)

    def first_run_after(self, moment):
        if self.kind == Kind.HEARTBEAT:
            return moment + timedelta(seconds=self.period + self.grace)
        return slots.slot_at_or_after(moment, self.interval, self.offset_ms)


# The foreign key to a Check is called `owner` (as in healthchecks): a field named
# `check` would shadow Model.check(), which Django's system checks call.


class CheckResult(models.Model):
    """One run of a check. (owner, planned_at) is unique: a redelivered batch adds nothing."""

    owner = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="results")
    planned_at = models.DateTimeField()
    ran_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    latency_ms = models.FloatField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-planned_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "planned_at"],
                                               name="result_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.planned_at:%Y-%m-%d %H:%M:%S} {self.outcome}"

    @property
    def lag_ms(self) -> float:
        return (self.ran_at - self.planned_at).total_seconds() * 1000


class CheckRollup(models.Model):
    """A check's results in one hour. Kept for years; raw results are pruned."""

    owner = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="rollups")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    degraded = models.PositiveIntegerField(default=0)
    latency_count = models.PositiveIntegerField(default=0)
    latency_sum = models.FloatField(default=0)
    latency_min = models.FloatField(null=True, blank=True)
    latency_max = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["owner", "hour"]
        constraints = [models.UniqueConstraint(fields=["owner", "hour"],
                                               name="rollup_once_per_hour")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.hour:%Y-%m-%d %H}h {self.failures}/{self.count}"

    @property
    def latency_avg(self) -> float | None:
        return self.latency_sum / self.latency_count if self.latency_count else None


class CheckStateChange(models.Model):
    """A check went from one state to another: downtime and availability come from these."""

    owner = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # A check's history in order; availability on PostgreSQL also reads each check's
            # changes in (at, id) order and its state at a period's start from this index
            # alone: no sort, no table visit.
            models.Index(fields=["owner", "at", "id"], include=["to_state"],
                         name="state_change_span"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.from_state or '—'} → {self.to_state} at {self.at}"


class CheckIncident(models.Model):
    """The link between a check and an incident ticket it opened (or reopened)."""

    owner = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="incidents")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="check_links")
    down_since = models.DateTimeField()
    opened_at = models.DateTimeField(default=timezone.now)
    recovered_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0,
                                           help_text="Failed runs while the incident was open.")
    flapping = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["owner", "-opened_at"], name="incident_check")]

    def __str__(self) -> str:
        return f"{self.owner} → {self.ticket.ref}"
