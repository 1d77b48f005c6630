"""Availability spans: the state changes kept as the stretches availability adds up.

A check's `CheckSpan` rows are its down stretches (one per change into down from another
state, until the next change out of down) and its unmonitored stretches (paused, unknown,
and before its first change). A service's `ServiceSpan` rows are the unions over its
checks: down while any check is down, unmonitored while every check is. They are kept
per team too (`team_key`: 0 = all the service's checks, else only that team's), because
a team's availability report counts only its own checks.

monitoring.services.spans keeps them in the same transaction as the state changes, and
`rebuild_availability_spans` recomputes them; tests check the two always agree. Reports
read these instead of every change of the period: a service's outages are few, its
checks' changes many. Open stretches end at FOREVER; a check's time before its first
change starts at BEGINNING. Planned downtime is not stored: it is the down spans
intersected with the maintenance windows when read, so editing a window needs nothing.
"""

from datetime import UTC, datetime

from django.db import models

from itsm.models import Service
from monitoring.models.check import Check

BEGINNING = datetime(1, 1, 1, tzinfo=UTC)
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """µs since the epoch, exactly (as CheckSpan.extra keeps moments)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class CheckSpan(models.Model):
    owner = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="spans")
    down = models.BooleanField()  # else: not monitored
    started = models.DateTimeField()
    ended = models.DateTimeField()
    # The changes into down from another state inside a down stretch (monitoring.services.
    # spans): one at its start, and any others (µs since the epoch; nearly always none).
    opened = models.BooleanField(default=False)
    extra = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            # A period's stretches: those ending after its start (the present's are at the
            # end of the index), read with what the figures need from the index alone.
            # `extra` is left out (read from check_span_extra), and on PostgreSQL migration
            # 0005 adds check_span_down_range: the down stretches overlapping a window.
            models.Index(fields=["ended"], include=["owner", "down", "started", "opened"],
                         name="check_span_period"),
            models.Index(fields=["owner", "ended"], name="check_span_owner"),
        ]

    def __str__(self) -> str:
        kind = "down" if self.down else "unmonitored"
        return f"{self.owner_id} {kind} {self.started}–{self.ended}"


class ServiceSpan(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE,
                                related_name="availability_spans")
    team_key = models.BigIntegerField(default=0)  # 0: every check; else the team's checks
    down = models.BooleanField()  # else: not monitored
    started = models.DateTimeField()
    ended = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["team_key", "ended"], include=["service", "down", "started"],
                         name="service_span_period"),
            models.Index(fields=["service", "team_key", "ended"], name="service_span_key"),
        ]

    def __str__(self) -> str:
        return (f"{self.service_id}/{self.team_key} {'down' if self.down else 'unmonitored'} "
                f"{self.started}–{self.ended}")
