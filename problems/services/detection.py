"""Recurrence detection: incidents that cluster (same asset, same monitoring check, same
service and category, similar titles) become a Proposal a person accepts or dismisses.

Detection never opens a problem. One pass reads the window's incidents once, groups them in
memory and writes one open proposal per (rule, key): the partial unique constraint
`proposal_open_once` makes a concurrent second pass update the row the first one made.
Incidents of a dismissed proposal never count again for that proposal's key.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from itsm.models import User
from monitoring.models import CheckIncident
from problems.models import OPEN_STAGES, Problem, Proposal, Rule
from problems.services.access import require_manager
from problems.services.errors import ProblemError
from problems.services.problems import problem_create
from tickets.models import Kind, Ticket

TITLE_SIMILARITY = 0.5
Through = Proposal.incidents.through


@dataclass
class Cluster:
    rule: str
    key: str
    title: str
    incidents: set[int]
    asset_id: int | None = None
    service_id: int | None = None
    category_id: int | None = None
    check_id: int | None = None


def _normalise(title: str) -> str:
    # Numbers and punctuation differ between repeats of one failure ("disk 93% full").
    return " ".join(re.sub(r"[\W\d_]+", " ", title.lower()).split())


def _similar_pairs(ids: list[int]) -> list[tuple[int, int]]:
    """Pairs of incidents whose titles are alike by pg_trgm similarity (Postgres only)."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, b.id FROM {table} a JOIN {table} b ON a.id < b.id "  # noqa: S608
            "WHERE a.id = ANY(%s) AND b.id = ANY(%s) AND similarity(a.title, b.title) >= %s",
            [ids, ids, TITLE_SIMILARITY])
        return list(cursor.fetchall())


def _components(ids: list[int], pairs: list[tuple[int, int]]) -> list[set[int]]:
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, set[int]] = defaultdict(set)
    for i in ids:
        groups[root(i)].add(i)
    return list(groups.values())


def _title_groups(rows: dict[int, dict]) -> list[set[int]]:
    ids = sorted(rows)
    if connection.vendor == "postgresql" and len(ids) > 1:
        return _components(ids, _similar_pairs(ids))
    groups: dict[str, set[int]] = defaultdict(set)
    for pk in ids:
        groups[_normalise(rows[pk]["title"])].add(pk)
    return list(groups.values())


def _clusters(rows: dict[int, dict], checks: list[dict], open_title_keys: dict[int, str],
              ) -> list[Cluster]:
    by_asset: dict[int, set[int]] = defaultdict(set)
    by_pair: dict[tuple[int, int], set[int]] = defaultdict(set)
    for pk, row in rows.items():
        if row["asset_id"]:
            by_asset[row["asset_id"]].add(pk)
        if row["service_id"] and row["category_id"]:
            by_pair[(row["service_id"], row["category_id"])].add(pk)
    clusters = []
    for asset_id, ids in by_asset.items():
        name = rows[next(iter(ids))]["asset__name"]
        clusters.append(Cluster(Rule.ASSET, f"asset:{asset_id}", f"Recurring incidents on {name}",
                                ids, asset_id=asset_id))
    for (service_id, category_id), ids in by_pair.items():
        row = rows[next(iter(ids))]
        clusters.append(Cluster(
            Rule.SERVICE_CATEGORY, f"service_category:{service_id}:{category_id}",
            f"Recurring {row['category__name']} incidents on {row['service__name']}", ids,
            service_id=service_id, category_id=category_id))
    by_check: dict[int, Cluster] = {}
    for link in checks:
        if link["ticket_id"] not in rows:
            continue
        cluster = by_check.setdefault(link["owner_id"], Cluster(
            Rule.CHECK, f"check:{link['owner_id']}", f"Check {link['owner__name']} keeps failing",
            set(), asset_id=link["owner__asset_id"], service_id=link["owner__service_id"],
            check_id=link["owner_id"]))
        cluster.incidents.add(link["ticket_id"])
    clusters.extend(by_check.values())
    for ids in _title_groups(rows):
        if len(ids) < 2:
            continue
        # An open title proposal keeps its key while its first incident leaves the window.
        key = next((open_title_keys[pk] for pk in sorted(ids) if pk in open_title_keys),
                   f"title:{min(ids)}")
        title = Counter(rows[pk]["title"] for pk in ids).most_common(1)[0][0]
        services = {rows[pk]["service_id"] for pk in ids}
        clusters.append(Cluster(Rule.TITLE, key, title[:200], ids,
                                service_id=services.pop() if len(services) == 1 else None))
    return clusters


def _covered(cluster: Cluster, assets: set[int], services: set[int]) -> bool:
    if cluster.asset_id and cluster.asset_id in assets:
        return True
    return bool(cluster.service_id and cluster.service_id in services
                and cluster.rule != Rule.ASSET)


def _save(cluster: Cluster, existing: Proposal | None, have: set[int], *, now: datetime) -> str:
    if existing is None:
        try:
            with transaction.atomic():
                existing = Proposal.objects.create(
                    rule=cluster.rule, key=cluster.key, title=cluster.title,
                    asset_id=cluster.asset_id, service_id=cluster.service_id,
                    category_id=cluster.category_id, check_ref_id=cluster.check_id,
                    created_at=now, updated_at=now)
                outcome = "created"
        except IntegrityError:
            # Another pass made it a moment ago: add to that one.
            existing = Proposal.objects.get(rule=cluster.rule, key=cluster.key,
                                            status=Proposal.Status.OPEN)
            have = set(Through.objects.filter(proposal=existing)
                       .values_list("ticket_id", flat=True))
            outcome = "updated"
    else:
        outcome = "updated"
    new = cluster.incidents - have
    if not new:
        return "unchanged" if outcome == "updated" else outcome
    Through.objects.bulk_create([Through(proposal_id=existing.pk, ticket_id=pk) for pk in new],
                                ignore_conflicts=True)
    if outcome == "updated":
        Proposal.objects.filter(pk=existing.pk).update(updated_at=now)
    return outcome


@transaction.atomic
def problems_detect(*, now: datetime | None = None, window_days: int | None = None,
                    min_incidents: int | None = None) -> dict[str, int]:
    """One detection pass over the incidents created in the last `window_days`; the counts
    of proposals created, updated and unchanged (and clusters skipped as covered)."""
    now = now or timezone.now()
    window_days = settings.TEND_PROBLEM_CLUSTER_DAYS if window_days is None else window_days
    min_incidents = settings.TEND_PROBLEM_CLUSTER_MIN if min_incidents is None else min_incidents
    errors = {}
    if not isinstance(window_days, int) or window_days < 1:
        errors["window_days"] = ["Look back at least one day."]
    if not isinstance(min_incidents, int) or min_incidents < 2:
        errors["min_incidents"] = ["A cluster needs at least two incidents."]
    if errors:
        raise ProblemError(errors)
    since = now - timedelta(days=window_days)
    rows = {row["pk"]: row for row in (
        Ticket.objects.filter(kind=Kind.INCIDENT, created_at__gte=since, created_at__lte=now)
        .exclude(problem_links__problem__stage__in=OPEN_STAGES)
        .values("pk", "title", "asset_id", "service_id", "category_id", "asset__name",
                "service__name", "category__name"))}
    counts = {"incidents": len(rows), "created": 0, "updated": 0, "unchanged": 0, "covered": 0}
    if len(rows) < min_incidents:
        return counts
    checks = list(CheckIncident.objects.filter(ticket_id__in=list(rows))
                  .values("owner_id", "ticket_id", "owner__name", "owner__asset_id",
                          "owner__service_id"))
    open_problems = Problem.objects.filter(stage__in=OPEN_STAGES)
    assets = set(open_problems.filter(assets__isnull=False).values_list("assets", flat=True))
    services = set(open_problems.filter(services__isnull=False)
                   .values_list("services", flat=True))
    links = Through.objects.filter(proposal__status__in=[Proposal.Status.OPEN,
                                                         Proposal.Status.DISMISSED])
    members: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    open_title_keys: dict[int, str] = {}
    dismissed_titles: set[int] = set()
    for status, rule, key, ticket_id in links.values_list(
            "proposal__status", "proposal__rule", "proposal__key", "ticket_id"):
        members[(status, rule, key)].add(ticket_id)
        if rule == Rule.TITLE and status == Proposal.Status.OPEN:
            open_title_keys[ticket_id] = key
        if rule == Rule.TITLE and status == Proposal.Status.DISMISSED:
            dismissed_titles.add(ticket_id)
    title_rows = {pk: row for pk, row in rows.items() if pk not in dismissed_titles}
    clusters = [c for c in _clusters(rows, checks, open_title_keys) if c.rule != Rule.TITLE]
    clusters += [c for c in _clusters(title_rows, [], open_title_keys) if c.rule == Rule.TITLE]
    existing = {(p.rule, p.key): p for p in Proposal.objects.select_for_update()
                .filter(status=Proposal.Status.OPEN)}
    for cluster in clusters:
        cluster.incidents -= members.get((Proposal.Status.DISMISSED, cluster.rule, cluster.key),
                                         set())
        if len(cluster.incidents) < min_incidents:
            continue
        if _covered(cluster, assets, services):
            counts["covered"] += 1
            continue
        have = members.get((Proposal.Status.OPEN, cluster.rule, cluster.key), set())
        counts[_save(cluster, existing.get((cluster.rule, cluster.key)), have, now=now)] += 1
    return counts


def _lock_open(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Proposal.Status.OPEN:
        raise ProblemError({"status": [f"This proposal was already {locked.status}."]})
    return locked


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor: User, now: datetime | None = None) -> Problem:
    """Open the problem the proposal suggests, its incidents linked."""
    require_manager(actor)
    now = now or timezone.now()
    locked = _lock_open(proposal)
    problem = problem_create(actor=actor, title=locked.title, service=locked.service,
                             asset=locked.asset, incidents=list(locked.incidents.all()),
                             now=now)
    locked.status, locked.problem = Proposal.Status.ACCEPTED, problem
    locked.decided_at, locked.decided_by, locked.updated_at = now, actor, now
    locked.save(update_fields=["status", "problem", "decided_at", "decided_by", "updated_at"])
    return problem


@transaction.atomic
def proposal_dismiss(*, proposal: Proposal, actor: User, reason: str,
                     now: datetime | None = None) -> Proposal:
    """Not a problem: its incidents never count again for this cluster."""
    require_manager(actor)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ProblemError({"reason": ["Say why this is not a problem."]})
    now = now or timezone.now()
    locked = _lock_open(proposal)
    locked.status, locked.dismiss_reason = Proposal.Status.DISMISSED, reason
    locked.decided_at, locked.decided_by, locked.updated_at = now, actor, now
    locked.save(update_fields=["status", "dismiss_reason", "decided_at", "decided_by",
                               "updated_at"])
    return locked
