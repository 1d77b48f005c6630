"""An asset's inventory as its agent or a scanner reports it: installed software and the
advisories still pending. One transaction per report; the asset row is locked so two
reports for one asset apply one after the other.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itsm.models import Asset, User
from maintenance import selectors
from maintenance.models.patch import (
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    PatchState,
    Software,
)
from maintenance.services.access import require_agent
from maintenance.services.patching import patch_apply_state, patch_policy_current

# States an install clears when the scanner no longer lists the advisory as pending.
CLEARED_BY_REPORT = (PatchState.MISSING, PatchState.SCHEDULED, PatchState.FAILED,
                     PatchState.DEFERRED)


@dataclass
class PendingAdvisory:
    identifier: str
    title: str = ""
    severity: str = ""
    released_on: date | None = None
    cvss: float | None = None
    cve_ids: list[str] = field(default_factory=list)
    package: str = ""
    fixed_version: str = ""
    url: str = ""


def _advisories(pending: list[PendingAdvisory], now) -> dict[str, Advisory]:
    """Known advisories by identifier; unknown ones are created from what the agent sent."""
    wanted = {p.identifier: p for p in pending}
    known = {a.identifier: a for a in Advisory.objects.filter(identifier__in=list(wanted))}
    errors = {}
    new = []
    for n, item in enumerate(pending):
        if item.identifier in known:
            continue
        if not item.severity or not item.released_on:
            errors[f"pending[{n}]"] = [f"{item.identifier} is not a known advisory: send its "
                                       "severity and released_on too."]
            continue
        new.append(Advisory(identifier=item.identifier, title=item.title or item.identifier,
                            severity=item.severity, released_on=item.released_on,
                            cvss=item.cvss, cve_ids=item.cve_ids, package=item.package,
                            fixed_version=item.fixed_version, url=item.url, created_at=now))
    if errors:
        raise ValidationError(errors)
    for advisory in Advisory.objects.bulk_create(new, ignore_conflicts=True):
        known[advisory.identifier] = advisory
    if new:  # ignore_conflicts leaves pks unset: read back (another report may have won)
        known.update({a.identifier: a for a in Advisory.objects.filter(
            identifier__in=[a.identifier for a in new])})
    return known


def inventory_apply(*, asset: Asset, actor: User, software: list[dict] | None = None,
                    pending: list[PendingAdvisory] | None = None, complete: bool = True,
                    source: str = "agent", now: datetime | None = None) -> dict:
    """Apply a report. `software` replaces the installed list; `pending` opens patches for
    advisories not yet known on the asset, and (when `complete`) marks patches that are
    no longer pending as installed. None leaves that part untouched."""
    if not selectors.user_can_ingest(actor):
        raise PermissionDenied("This account may not report inventories.")
    now = now or timezone.now()
    summary = {"software": {"added": 0, "updated": 0, "removed": 0},
               "patches": {"opened": 0, "reopened": 0, "installed": 0, "unchanged": 0}}
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if software is not None:
            summary["software"] = _apply_software(asset, software, now)
        if pending is not None:
            summary["patches"] = _apply_pending(asset, pending, complete, now, source, actor)
    return summary


def _apply_software(asset: Asset, software: list[dict], now) -> dict:
    reported = {item["name"]: item.get("version", "") for item in software}
    existing = {s.name: s for s in asset.software.all()}
    added = [Software(asset=asset, name=name, version=version, updated_at=now)
             for name, version in reported.items() if name not in existing]
    changed = []
    for name, item in existing.items():
        if name in reported and item.version != reported[name]:
            item.version, item.updated_at = reported[name], now
            changed.append(item)
    gone = [item.pk for name, item in existing.items() if name not in reported]
    Software.objects.bulk_create(added)
    Software.objects.bulk_update(changed, ["version", "updated_at"])
    Software.objects.filter(pk__in=gone).delete()
    return {"added": len(added), "updated": len(changed), "removed": len(gone)}


def _apply_pending(asset: Asset, pending: list[PendingAdvisory], complete: bool, now,
                   source: str, actor: User) -> dict:
    counts = {"opened": 0, "reopened": 0, "installed": 0, "unchanged": 0}
    advisories = _advisories(pending, now)
    policy = patch_policy_current()
    patches = {p.advisory_id: p for p in asset.patches.select_related("advisory")}
    by_pk = {a.pk: a for a in advisories.values()}
    pending_ids = {advisories[p.identifier].pk for p in pending}
    events, created, changed = [], [], []
    for advisory_id in pending_ids:
        patch = patches.get(advisory_id)
        if patch is None:
            advisory = by_pk[advisory_id]
            deadline = policy.deadline(advisory.severity, advisory.released_on)
            patch = AssetPatch(asset=asset, advisory=advisory, state=PatchState.MISSING,
                               deadline=deadline, due_on=deadline, detected_at=now,
                               updated_at=now)
            created.append(patch)
            counts["opened"] += 1
        elif patch.state == PatchState.INSTALLED:
            patch_apply_state(patch=patch, state=PatchState.MISSING, now=now)
            changed.append(patch)
            events.append((patch, PatchState.INSTALLED, "Reported pending again."))
            counts["reopened"] += 1
        else:
            counts["unchanged"] += 1
    if complete:
        for advisory_id, patch in patches.items():
            if advisory_id not in pending_ids and patch.state in CLEARED_BY_REPORT:
                old = patch_apply_state(patch=patch, state=PatchState.INSTALLED, now=now)
                changed.append(patch)
                events.append((patch, old, "No longer reported pending."))
                counts["installed"] += 1
    AssetPatch.objects.bulk_create(created)
    AssetPatch.objects.bulk_update(changed, ["state", "reason", "deferred_until", "installed_at",
                                             "due_on", "updated_at", "follow_up"])
    rows = [AssetPatchEvent(patch=p, asset=asset, at=now, actor=actor, source=source,
                            old_state="", new_state=PatchState.MISSING, note="Detected.")
            for p in created]
    rows += [AssetPatchEvent(patch=p, asset=asset, at=now, actor=actor, source=source,
                             old_state=old, new_state=p.state, note=note)
             for p, old, note in events]
    AssetPatchEvent.objects.bulk_create(rows)
    return counts


@transaction.atomic
def software_save(*, software: Software, actor: User | None,
                  now: datetime | None = None) -> Software:
    """Create or change one installed package by hand (fields already set on `software`)."""
    require_agent(actor)
    if software.pk is None:
        software.updated_at = now or timezone.now()
    software.save()
    return software


@transaction.atomic
def software_delete(*, software: Software, actor: User | None) -> None:
    require_agent(actor)
    software.delete()
