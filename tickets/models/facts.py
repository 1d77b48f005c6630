"""Report facts: per-day counts, sums and duration histograms of the tickets, kept by the
ticket services in the same transaction as the change they count (tickets/services/facts.py)
and recomputed by `manage.py rebuild_report_facts`. Reports read these instead of the heap.

Every row is counted under the local day (site time zone, the day reports cut periods by) of the
moment it counts and the ticket's current dimensions: team, service, kind, priority. A
ticket's contributions follow its current state, as the reports always did: moving it to
another team moves its counts; a reopened ticket stops counting as resolved. Dimension ids
are plain integers, 0 for "none"; they are not foreign keys (a deleted team leaves its
history; `rebuild_report_facts` re-attributes it).

A change appends its differences as new rows (`folded` false): a plain INSERT, which waits
for no other transaction, so a filing in progress never holds up the next one and no
increment is lost. Readers sum, so any number of rows per key is right; every minute
`facts_fold` (tickets/services/fold.py) folds the appended rows into one row per key.

Sizes at 1,000,000 tickets a year: a day has some hundreds of (team, service, kind,
priority, source) combinations, so `TicketDayFact` holds ~100k rows a year; the narrow
facts a few times that. The histogram holds one row per non-empty bucket: ~4 rows per
resolved ticket at most, fewer as tickets share buckets. A row per bucket (not an array per
day and dimensions) keeps each change a few small rows and lets Postgres sum a period with
one index range scan and GROUP BY, the same on SQLite.
"""

from django.db import models


class Metric(models.IntegerChoices):
    """The durations the reports give median and 90th percentile of (reports/figures/times)."""

    RESPONSE_WALL = 1, "First response, wall clock"
    RESPONSE_BUSINESS = 2, "First response, business time"
    RESOLUTION_WALL = 3, "Resolution, wall clock"
    RESOLUTION_BUSINESS = 4, "Resolution, business time"


class Dimensions(models.Model):
    """What every fact row is keyed by (with the fact's own extra key)."""

    day = models.DateField()
    team_id = models.IntegerField(default=0)
    service_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=20)
    priority = models.SmallIntegerField()
    # False: appended by a change, not yet folded into its key's row (the partial index).
    folded = models.BooleanField(default=False)

    class Meta:
        abstract = True


DIMENSIONS = ("day", "team_id", "service_id", "kind", "priority")


class TicketDayFact(Dimensions):
    """Counts and sums per day. Each measure is counted on the day of its own moment:
    created (created_at), responded (first_response_at), resolved and everything about
    resolved tickets (resolved_at: status resolved or closed), closed (closed_at), cancelled
    (updated_at, the cancellation as the reports date it), breaches marked by the sweep
    (response_breached_at, resolution_breached_at)."""

    source = models.CharField(max_length=20)

    created = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0, help_text="Resolved after being reopened.")
    closed = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    response_breaches = models.IntegerField(default=0, help_text="Marked by the SLA sweep.")
    resolution_breaches = models.IntegerField(default=0, help_text="Marked by the SLA sweep.")
    # Outcomes of the resolved tickets' SLA targets (decided ones only).
    response_counted = models.IntegerField(default=0)
    response_met = models.IntegerField(default=0)
    resolution_counted = models.IntegerField(default=0)
    resolution_met = models.IntegerField(default=0)
    rated_1 = models.IntegerField(default=0)
    rated_2 = models.IntegerField(default=0)
    rated_3 = models.IntegerField(default=0)
    rated_4 = models.IntegerField(default=0)
    rated_5 = models.IntegerField(default=0)
    # Durations of the resolved tickets: how many, and their sum in microseconds (exact).
    response_wall_n = models.IntegerField(default=0)
    response_wall_us = models.BigIntegerField(default=0)
    response_business_n = models.IntegerField(default=0)
    response_business_us = models.BigIntegerField(default=0)
    resolution_wall_n = models.IntegerField(default=0)
    resolution_wall_us = models.BigIntegerField(default=0)
    resolution_business_n = models.IntegerField(default=0)
    resolution_business_us = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=[*DIMENSIONS, "source"], name="ticket_day_fact_key"),
            models.Index(fields=["id"], condition=models.Q(folded=False),
                         name="ticket_day_fact_unfolded")]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} service {self.service_id} {self.kind} " \
               f"P{self.priority}"


class TicketCategoryFact(Dimensions):
    """Tickets created per day and category (the volume report's top categories)."""

    category_id = models.IntegerField(default=0)
    created = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=[*DIMENSIONS, "category_id"], name="ticket_category_fact_key"),
            models.Index(fields=["id"], condition=models.Q(folded=False),
                         name="ticket_category_fact_unfolded")]

    def __str__(self) -> str:
        return f"{self.day} category {self.category_id}: {self.created}"


class TicketAssigneeFact(Dimensions):
    """Tickets resolved per day and assignee (current assignee, as the workload report)."""

    assignee_id = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=[*DIMENSIONS, "assignee_id"], name="ticket_assignee_fact_key"),
            models.Index(fields=["id"], condition=models.Q(folded=False),
                         name="ticket_assignee_fact_unfolded")]

    def __str__(self) -> str:
        return f"{self.day} assignee {self.assignee_id}: {self.resolved}"


class TimeLoggedFact(Dimensions):
    """Minutes logged per day (of the entry) and person, by the ticket's dimensions."""

    source = models.CharField(max_length=20)
    user_id = models.IntegerField()
    minutes = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=[*DIMENSIONS, "source", "user_id"], name="time_logged_fact_key"),
            models.Index(fields=["id"], condition=models.Q(folded=False),
                         name="time_logged_fact_unfolded")]

    def __str__(self) -> str:
        return f"{self.day} user {self.user_id}: {self.minutes} min"


class DurationHistogram(Dimensions):
    """How many resolved tickets (by resolved_at day) took a duration in each bucket.

    Buckets are log-spaced (tickets/facts.py: ratio 1.02, ~870 buckets from a second to a
    year), so a percentile read back lies within 1 % of the exact one."""

    metric = models.SmallIntegerField(choices=Metric.choices)
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # A period's days, read from the index alone (the 90-day dashboard's weeks
            # straddle months, so it sums ~100 days of these).
            models.Index(fields=[*DIMENSIONS, "metric", "bucket"], include=["n", "folded"],
                         name="duration_histogram_key"),
            models.Index(fields=["id"], condition=models.Q(folded=False),
                         name="duration_histogram_unfolded")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_metric_display()} bucket {self.bucket}: {self.n}"


# The month rollup's grains: which dimensions a month row keeps (a bit each); the others
# hold their "any" value (0, or "" for the kind). A read picks the smallest grain that keeps
# every dimension it filters or groups by, so a year unfiltered or by team reads a few
# thousand rows, not every key's.
GRAIN_BITS = {"team_id": 1, "service_id": 2, "kind": 4, "priority": 8}
ANY = {"team_id": 0, "service_id": 0, "kind": "", "priority": 0}
GRAINS = (0, 1, 2, 4, 8, 9, 15)  # none, one dimension each, team × priority, all four


class HistogramRollup(models.Model):
    """What a histogram rollup row holds besides its day or month and grain: the
    dimensions (a dropped one at its "any" value), the metric, the bucket and the count."""

    team_id = models.IntegerField(default=0)
    service_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=20)
    priority = models.SmallIntegerField()
    metric = models.SmallIntegerField(choices=Metric.choices)
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DurationHistogramMonth(HistogramRollup):
    """The folded DurationHistogram rows summed per calendar month (`month`: its first day),
    once per grain (GRAINS): a year's percentiles read ~12 rows per key and bucket instead
    of ~365, and only the keys of the dimensions asked for (reports/facts.py reads whole
    months here and the edge days from the day rows).

    Kept by the fold (tickets/services/fold.py) in the statement that folds the day rows,
    so it always equals the sum of the folded day rows of its month; rows appended since
    are read from the day table. `rebuild_report_facts` recomputes it. One row per key."""

    month = models.DateField()
    grain = models.SmallIntegerField(default=15)

    class Meta:
        indexes = [models.Index(fields=["grain", "team_id", "service_id", "kind", "priority",
                                        "month", "metric", "bucket"],
                                name="duration_month_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_metric_display()} bucket {self.bucket}: {self.n}"


DAY_GRAINS = tuple(g for g in GRAINS if g != 15)  # all four: the day rows themselves


class DurationHistogramDay(HistogramRollup):
    """The folded DurationHistogram rows summed per day at the coarse grains (DAY_GRAINS):
    a period's edge days, and the days of a trend cut into days or weeks, read ~2,000 rows
    a day unfiltered instead of every key's (~50,000 a day at 10,000,000 tickets).

    Kept by the fold beside the month rollup, in the same statement, so it always equals
    the folded day rows summed at its grain; rows appended since are read from the day
    table. `rebuild_report_facts` recomputes it. One row per key."""

    day = models.DateField()
    grain = models.SmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "team_id", "service_id", "kind", "priority",
                                        "day", "metric", "bucket"], include=["n"],
                                name="duration_day_key")]

    def __str__(self) -> str:
        return f"{self.day} grain {self.grain} {self.get_metric_display()} bucket " \
               f"{self.bucket}: {self.n}"


class OpenTicketFact(models.Model):
    """How many tickets are open now, per team, service, kind, priority, status, assignee
    and category: a current state, not a day's count. The queue's tab badges and the
    reports' open work per person sum these rows instead of counting the open tickets,
    which at 10,000,000 tickets are a million index entries (tickets/selectors.py:
    open_counts). Kept like the day facts: a change appends +1 for the state it leaves
    open and −1 for the one it left, the fold merges them and drops keys that reach zero,
    so the table holds one row per combination that has open tickets."""

    team_id = models.IntegerField(default=0)
    service_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=20)
    priority = models.SmallIntegerField()
    status = models.CharField(max_length=20)
    assignee_id = models.IntegerField(default=0)
    category_id = models.IntegerField(default=0)
    folded = models.BooleanField(default=False)
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["assignee_id", "team_id", "priority", "kind", "status",
                                 "service_id", "category_id"], include=["n"],
                         name="open_ticket_fact_key"),
            models.Index(fields=["id"], condition=models.Q(folded=False),
                         name="open_ticket_fact_unfolded")]

    def __str__(self) -> str:
        return f"assignee {self.assignee_id} team {self.team_id} {self.status}: {self.n}"
