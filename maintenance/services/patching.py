"""Writes with rules for patches: deadlines, state changes with history, overdue follow-ups.

A patch's deadline is the advisory's release date plus the policy's days for its
severity. `due_on` is the date that counts now (the deadline, or a deferral's end if
later; empty once installed or not applicable); overdue means due_on < today.
"""

import contextlib
import logging
from collections import Counter, defaultdict
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from itsm.models import User
from itsm.services.system_user import system_user_get
from maintenance.models.patch import (
    OPEN_PATCH_STATES,
    SEVERITY_PRIORITY,
    SEVERITY_RANK,
    Advisory,
    AssetPatch,
    AssetPatchEvent,
    PatchPolicy,
    PatchState,
)
from maintenance.services.access import require_agent
from tickets import services as tickets
from tickets.models import Kind, Source, Ticket

logger = logging.getLogger(__name__)
FOLLOW_UP_LOCK = 0x7E4D_0005  # pg advisory lock key: one follow-up sweep at a time
MAX_FOLLOW_UPS_PER_RUN = 500


def patch_state_errors(*, state: str, reason: str, deferred_until: date | None,
                       today: date) -> dict:
    """What is wrong with this state change, by field (empty when it may be made)."""
    errors: dict[str, list[str]] = {}
    if state not in PatchState.values:
        errors["state"] = [f"Unknown state “{state}”."]
    elif state == PatchState.DEFERRED:
        if not deferred_until:
            errors["deferred_until"] = ["Say until when it is deferred."]
        elif deferred_until <= today:
            errors["deferred_until"] = ["Defer it to a date in the future."]
        if not reason:
            errors["reason"] = ["Say why it is deferred."]
    elif state == PatchState.NOT_APPLICABLE and not reason:
        errors["reason"] = ["Say why it does not apply."]
    return errors


def patch_apply_state(*, patch: AssetPatch, state: str, now: datetime, reason: str = "",
                      deferred_until: date | None = None) -> str:
    """Set the state fields on `patch` (not saved); returns the old state."""
    old = patch.state
    patch.state = state
    patch.reason = reason or ("" if state != old else patch.reason)
    patch.deferred_until = deferred_until if state == PatchState.DEFERRED else None
    if state == PatchState.INSTALLED:
        patch.installed_at = patch.installed_at if old == state else now
    else:
        patch.installed_at = None
    if state in OPEN_PATCH_STATES and old not in OPEN_PATCH_STATES:
        patch.follow_up = None  # open again: a new follow-up if it runs late again
    patch.due_on = patch.compute_due_on()
    patch.updated_at = now
    return old


def patch_set_state(*, patch: AssetPatch, state: str, actor: User | None, reason: str = "",
                    deferred_until: date | None = None, source: str = "web",
                    now: datetime | None = None) -> AssetPatch:
    """Change one asset's patch state, recording who, when and why on its history."""
    require_agent(actor)
    reason = (reason or "").strip()
    now = now or timezone.now()
    errors = patch_state_errors(state=state, reason=reason, deferred_until=deferred_until,
                                today=timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        patch = AssetPatch.objects.select_for_update().select_related("advisory").get(pk=patch.pk)
        if (patch.state, patch.deferred_until, patch.reason) == (state, deferred_until, reason):
            return patch
        old = patch_apply_state(patch=patch, state=state, now=now, reason=reason,
                                deferred_until=deferred_until)
        patch.save()
        note = reason
        if state == PatchState.DEFERRED:
            note = f"Deferred until {deferred_until:%Y-%m-%d}: {reason}"
        AssetPatchEvent.objects.create(patch=patch, asset_id=patch.asset_id, at=now, actor=actor,
                                       source=source, old_state=old, new_state=state, note=note)
    return patch


def _refresh_due(patches: QuerySet[AssetPatch], deadline: date) -> None:
    """Give these patches a new deadline and recompute the date that counts, in SQL."""
    patches.update(deadline=deadline)
    patches.filter(state__in=[PatchState.MISSING, PatchState.SCHEDULED,
                              PatchState.FAILED]).update(due_on=deadline)
    patches.filter(state=PatchState.DEFERRED).update(
        due_on=Greatest(F("deadline"), F("deferred_until")))


def patch_policy_current() -> PatchPolicy:
    """The one policy row (pk=1), created with the default deadlines the first time."""
    return PatchPolicy.objects.get_or_create(pk=1)[0]


@transaction.atomic
def patch_policy_save(*, policy: PatchPolicy, actor: User | None) -> PatchPolicy:
    """Save the policy (always row 1). The caller has the deadlines recomputed (a task:
    thousands of patches may move), e.g. the admin with refresh_patch_deadlines."""
    require_agent(actor)
    policy.pk = 1
    policy.save()
    return policy


def patch_deadlines_refresh(*, advisory_ids: list[int] | None = None) -> int:
    """Recompute deadlines after the policy or an advisory's severity or date changed."""
    policy = patch_policy_current()
    advisories = Advisory.objects.all()
    if advisory_ids is not None:
        advisories = advisories.filter(pk__in=list(advisory_ids))
    count = 0
    for advisory in advisories.only("pk", "severity", "released_on"):
        with transaction.atomic():
            _refresh_due(AssetPatch.objects.filter(advisory_id=advisory.pk),
                        policy.deadline(advisory.severity, advisory.released_on))
        count += 1
    return count


@contextlib.contextmanager
def _single_sweep():
    """Postgres: only one follow-up sweep at a time (others return at once). Elsewhere the
    guarded update below is enough; the lock only saves wasted ticket numbers."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FOLLOW_UP_LOCK])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FOLLOW_UP_LOCK])


class _Raced(Exception):
    """Another sweep ticketed some of these patches first; undo ours."""


def patch_followups_raise(*, now: datetime | None = None) -> Counter:
    """Raise one PAT ticket per asset with overdue patches, or per advisory when it is
    overdue on many assets (policy threshold). Each overdue patch is ticketed once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts: Counter = Counter()
    with _single_sweep() as got:
        if not got:
            return counts
        policy = patch_policy_current()
        rows = list(AssetPatch.objects.filter(due_on__lt=today, follow_up__isnull=True)
                    .order_by("due_on", "pk").values_list("pk", "asset_id", "advisory_id")
                    [:50_000])
        by_advisory: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            by_advisory[row[2]].append(row)
        groups: list[tuple[str, list[int]]] = []
        by_asset: dict[int, list[int]] = defaultdict(list)
        for items in by_advisory.values():
            if len(items) >= policy.per_advisory_threshold:
                groups.append(("advisory", [pk for pk, _, _ in items]))
            else:
                for pk, asset_id, _ in items:
                    by_asset[asset_id].append(pk)
        groups += [("asset", pks) for pks in by_asset.values()]
        requester = system_user_get()
        for kind, pks in groups[:MAX_FOLLOW_UPS_PER_RUN]:
            try:
                with transaction.atomic():
                    if _raise_follow_up(kind, pks, policy, requester, now):
                        counts[kind] += 1
            except _Raced:
                counts["raced"] += 1
    return counts


def _raise_follow_up(kind: str, pks: list[int], policy: PatchPolicy, requester,
                     now: datetime) -> Ticket | None:
    today = timezone.localdate(now)
    patches = list(AssetPatch.objects.filter(pk__in=pks, follow_up__isnull=True)
                   .select_related("asset__service__owner_team", "advisory")
                   .order_by("due_on", "asset__name"))
    if not patches:
        return None
    worst = min((p.advisory.severity for p in patches), key=SEVERITY_RANK.__getitem__)
    services = {p.asset.service for p in patches}
    service = services.pop() if len(services) == 1 else None
    if kind == "advisory":
        advisory = patches[0].advisory
        title = (f"Overdue {advisory.get_severity_display().lower()} patch "
                 f"{advisory.identifier} on {len(patches)} assets")
        asset = None
    else:
        asset = patches[0].asset
        n = len(patches)
        title = f"Overdue patches on {asset.name}: {n} advisor{'y' if n == 1 else 'ies'}"
    team = policy.team or (service.owner_team if service else None)
    ticket = tickets.ticket_create(
        requester=requester, kind=Kind.PATCH, source=Source.MAINTENANCE, title=title,
        description=_describe(kind, patches, today), service=service, asset=asset, team=team,
        priority=SEVERITY_PRIORITY[worst], now=now)
    updated = AssetPatch.objects.filter(pk__in=[p.pk for p in patches],
                                        follow_up__isnull=True).update(follow_up=ticket)
    if updated != len(patches):
        raise _Raced()
    return ticket


def _describe(kind: str, patches: list[AssetPatch], today: date) -> str:
    base = settings.TEND_BASE_URL.rstrip("/")
    lines = ["These patches are past their remediation deadline:", "",
             "| Asset | Advisory | Severity | Deadline | Days overdue |",
             "| --- | --- | --- | --- | --- |"]
    for p in patches[:200]:
        url = base + reverse("maintenance:asset", args=[p.asset_id])
        lines.append(f"| [{p.asset.name}]({url}) | {p.advisory.identifier} "
                     f"| {p.advisory.get_severity_display()} | {p.due_on:%Y-%m-%d} "
                     f"| {(today - p.due_on).days} |")
    if len(patches) > 200:
        lines.append(f"\n…and {len(patches) - 200} more.")
    if kind == "advisory":
        advisory = patches[0].advisory
        lines += ["", f"**{advisory.identifier}**: {advisory.title}"]
        if advisory.fixed_version:
            lines.append(f"Fixed in {advisory.package} {advisory.fixed_version}".strip())
    lines += ["", "Install the patch (its state changes when the agent next reports), or "
                  "defer it with a reason on the asset's patch page."]
    return "\n".join(lines)
