"""Patch compliance, aggregated in SQL: % of assets with no overdue patch, by service and
team; overdue patches by severity and age. Each figure is one grouped query that reads
only open patches through the partial indexes on `due_on`.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from itsm.models import Asset, Service
from maintenance.models.patch import SEVERITY_RANK, Advisory, AssetPatch, Severity

AGE_BUCKETS = (("1–7 days", 1, 7), ("8–30 days", 8, 30), ("31–90 days", 31, 90),
               ("over 90 days", 91, None))
NO_SERVICE = "No service"
# The columns of the partial index patch_due; (advisory, asset) is unique, so this is a
# total order that the index delivers without sorting.
INDEX_ORDER = ("due_on", "advisory_id", "asset_id")
NO_TEAM = "No owner team"


@dataclass
class Share:
    label: str
    total: int = 0
    overdue: int = 0
    pk: int | None = None

    @property
    def compliant(self) -> int:
        return self.total - self.overdue

    @property
    def percent(self) -> float | None:
        return round(100 * self.compliant / self.total, 1) if self.total else None


@dataclass
class Compliance:
    today: date
    overall: Share
    by_service: list[Share]
    by_team: list[Share]
    by_severity: list[dict] = field(default_factory=list)
    overdue_total: int = 0


def overdue_patches(today: date) -> QuerySet[AssetPatch]:
    """Overdue patches of active assets. NOT IN (inactive assets) keeps the scan on the
    covering index (due_on, advisory, asset) instead of joining every row to its asset."""
    inactive = Asset.objects.filter(is_active=False).values("pk")
    return AssetPatch.objects.filter(due_on__lt=today).exclude(asset_id__in=inactive)


def patch_compliance(today: date) -> Compliance:
    has_overdue = Exists(AssetPatch.objects.filter(asset_id=OuterRef("pk"), due_on__lt=today))
    rows = (Asset.objects.filter(is_active=True).alias(has_overdue=has_overdue)
            .values("service_id").order_by()
            .annotate(total=Count("pk"), overdue=Count("pk", filter=Q(has_overdue=True))))
    services = {s["pk"]: s for s in Service.objects.values("pk", "name", "owner_team_id",
                                                          "owner_team__name")}
    overall = Share("All assets")
    by_service: dict[int | None, Share] = {}
    by_team: dict[int | None, Share] = {}
    for row in rows:
        service = services.get(row["service_id"])
        shares = [overall,
                  by_service.setdefault(row["service_id"], Share(
                      service["name"] if service else NO_SERVICE, pk=row["service_id"])),
                  by_team.setdefault(service and service["owner_team_id"], Share(
                      (service and service["owner_team__name"]) or NO_TEAM,
                      pk=service and service["owner_team_id"]))]
        for share in shares:
            share.total += row["total"]
            share.overdue += row["overdue"]

    def worst_first(share: Share):
        return (share.percent if share.percent is not None else 101, share.label)

    return Compliance(today=today, overall=overall,
                      by_service=sorted(by_service.values(), key=worst_first),
                      by_team=sorted(by_team.values(), key=worst_first),
                      by_severity=overdue_by_severity(today))


def _bucket(days: int) -> int:
    for n, (_, low, high) in enumerate(AGE_BUCKETS):
        if days >= low and (high is None or days <= high):
            return n
    return 0


def overdue_by_severity(today: date) -> list[dict]:
    """One row per severity: overdue counts per age bucket (days past the date that counts).

    Counted per (advisory, date) straight from the covering index (a few hundred groups
    for a million patches), then folded into severities and buckets here.
    """
    severity_of = dict(Advisory.objects.values_list("pk", "severity"))
    table = {s: [0] * len(AGE_BUCKETS) for s in Severity.values}
    groups = (overdue_patches(today).values("advisory_id", "due_on").order_by()
              .annotate(n=Count("*")))
    for group in groups:
        table[severity_of[group["advisory_id"]]][_bucket((today - group["due_on"]).days)] += (
            group["n"])
    return [{"severity": s, "label": Severity(s).label, "total": sum(table[s]),
             "buckets": table[s]} for s in sorted(Severity.values, key=SEVERITY_RANK.__getitem__)]
