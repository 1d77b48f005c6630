"""Where metrics come from besides pushes: an asset's scrape endpoint, a team's Prometheus."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itsm.models import Asset


class ScrapeTarget(models.Model):
    """A Prometheus text-format endpoint (node_exporter, windows_exporter…) of one asset."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="scrape_targets")
    url = models.URLField(max_length=500)
    interval = models.PositiveIntegerField(default=60, help_text="Seconds between scrapes (≥ 15).")
    timeout = models.PositiveSmallIntegerField(default=10, help_text="Seconds (≤ 30).")
    enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    # The claim: a worker that took the scrape holds it until then (DESIGN.md, leases).
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=300, blank=True, editable=False)
    last_samples = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["asset", "url"]
        constraints = [models.UniqueConstraint(fields=["asset", "url"], name="scrape_target_once")]
        indexes = [models.Index(fields=["enabled", "next_run_at"], name="scrape_due")]

    def __str__(self) -> str:
        return f"{self.asset}: {self.url}"


def default_selectors() -> dict:
    # node_exporter's names; a team with other exporters edits these per source.
    return {
        "fs_used": 'node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}'
                   ' - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"}',
        "fs_size": 'node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}',
        "memory": "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)",
        "cpu": '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
        "load": "node_load1",
    }


class PrometheusSource(models.Model):
    """A team's own Prometheus: Tend reads query_range there instead of keeping raw data."""

    name = models.CharField(max_length=120, unique=True)
    url = models.URLField(max_length=500, help_text="Base URL, e.g. http://prometheus:9090")
    bearer_token = models.CharField(max_length=500, blank=True)
    selectors = models.JSONField(default=default_selectors,
                                 help_text="PromQL per series kind.")
    # Which label names the host; matched against assets' hostname, then name.
    instance_label = models.CharField(max_length=60, default="instance")
    step = models.PositiveIntegerField(default=300, help_text="Seconds between points read.")
    timeout = models.PositiveSmallIntegerField(default=10)
    enabled = models.BooleanField(default=True)
    last_ok_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
