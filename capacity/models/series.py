"""A series: one measured quantity of one asset (a mount's used bytes, memory, CPU…), its
5-minute and hourly buckets, and the events that change how it must be read (a resize)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from itsm.models import Asset
from tickets.models import Ticket


class Kind(models.TextChoices):
    FS_USED = "fs_used", "Filesystem used"
    FS_SIZE = "fs_size", "Filesystem size"
    MEMORY = "memory", "Memory used"
    SWAP = "swap", "Swap used"
    CPU = "cpu", "CPU busy"
    LOAD = "load", "Load average"
    NETWORK = "network", "Network traffic"
    CUSTOM = "custom", "Custom"


class Unit(models.TextChoices):
    BYTES = "bytes", "bytes"
    PERCENT = "percent", "%"
    RATIO = "ratio", "ratio"
    BYTES_PER_SECOND = "bytes_per_second", "bytes/s"
    COUNT = "count", "count"
    NONE = "", "—"


class Source(models.TextChoices):
    PUSH = "push", "Agent or API push"
    SCRAPE = "scrape", "Scraped endpoint"
    PROMETHEUS = "prometheus", "Prometheus query"


class State(models.TextChoices):
    LEARNING = "learning", "Learning"
    OK = "ok", "OK"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"
    FULL = "full", "Full"


class Series(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The mount point, interface or metric name; "" for host-wide series (memory, cpu, load).
    name = models.CharField(max_length=200, blank=True)
    labels = models.JSONField(default=dict, blank=True)
    # kind + name + sorted labels, canonical: what a sample names to find its series.
    key = models.CharField(max_length=400)
    unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PUSH)
    # Counters arrive as running totals and are stored as per-second rates.
    is_counter = models.BooleanField(default=False)
    last_raw = models.FloatField(null=True, blank=True, editable=False)
    last_raw_at = models.DateTimeField(null=True, blank=True, editable=False)
    # For fs_used: the fs_size series of the same mount (its latest value is the capacity).
    capacity_series = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    threshold = models.FloatField(null=True, blank=True,
                                  help_text="Override: the value that counts as full.")
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The latest forecast, denormalised so the board sorts and filters with indexes.
    state = models.CharField(max_length=20, choices=State.choices, default=State.LEARNING)
    state_reason = models.CharField(max_length=200, blank=True)
    threshold_value = models.FloatField(null=True, blank=True)
    eta_earliest = models.DateTimeField(null=True, blank=True)
    eta_likely = models.DateTimeField(null=True, blank=True)
    eta_latest = models.DateTimeField(null=True, blank=True)
    slope = models.FloatField(null=True, blank=True, help_text="Units per day.")
    slope_low = models.FloatField(null=True, blank=True)
    slope_high = models.FloatField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    forecast_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asset", "kind", "name"]
        verbose_name_plural = "series"
        # DSE and admin roles (migration 0002): push samples for any asset without a token.
        permissions = [("push_metrics", "Can push metric samples for any asset")]
        constraints = [models.UniqueConstraint(fields=["asset", "key"], name="series_key_once")]
        indexes = [
            models.Index(fields=["eta_earliest"], name="series_eta"),
            models.Index(fields=["state", "eta_earliest"], name="series_state_eta"),
            models.Index(fields=["last_at"], name="series_last_at"),
        ]

    def __str__(self) -> str:
        return f"{self.asset} {self.get_kind_display()} {self.name}".strip()


class Bucket(models.Model):
    """Samples of one series in one interval: 300 s buckets, rolled up into 3600 s ones."""

    FIVE_MINUTES = 300
    HOUR = 3600

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="buckets",
                               db_index=False)
    resolution = models.PositiveIntegerField(default=FIVE_MINUTES)
    start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0.0, help_text="Sum of the samples; mean = total / count.")
    min = models.FloatField()
    max = models.FloatField()
    last = models.FloatField()
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["series", "resolution", "start"]
        constraints = [models.UniqueConstraint(fields=["series", "resolution", "start"],
                                               name="bucket_once")]
        indexes = [models.Index(fields=["resolution", "start"], name="bucket_rollup")]

    def __str__(self) -> str:
        return f"{self.series_id} @ {self.start:%Y-%m-%d %H:%M} ({self.resolution} s)"

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else self.last


class SeriesEvent(models.Model):
    """Something that changes how a series reads: a resize, a clean-up, a counter reset."""

    class Kind(models.TextChoices):
        RESIZE = "resize", "Resized"
        CLEANUP = "cleanup", "Clean-up"
        RESET = "reset", "Counter reset"
        LEVEL_SHIFT = "level_shift", "Level shift"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    before = models.FloatField(null=True, blank=True)
    after = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["series", "at"]
        constraints = [models.UniqueConstraint(fields=["series", "kind", "at"],
                                               name="series_event_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class FollowUp(models.Model):
    """The capacity ticket of one series: at most one open per (asset, series)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="follow_ups")
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE,
                                  related_name="capacity_follow_up")
    reason = models.CharField(max_length=20, help_text="forecast or threshold")
    opened_at = models.DateTimeField(default=timezone.now)
    eta_earliest = models.DateTimeField(null=True, blank=True)
    eta_likely = models.DateTimeField(null=True, blank=True)
    # When the forecast first stayed beyond twice the lead time; a day of it resolves.
    clear_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series"],
                                               condition=Q(closed_at__isnull=True),
                                               name="follow_up_open_once")]

    def __str__(self) -> str:
        return f"{self.series}: {self.ticket.ref}"
