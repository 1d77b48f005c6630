"""The engine: claim due checks, run them, record results and state changes exactly once.

1. `checks_claim_due` (the beat task, every few seconds) takes active checks due within the
   look-ahead, moves each `next_run_at` one interval on from its planned slot, commits,
   and hands the (check, slot) pairs to `run_checks` tasks. Postgres claims with
   SELECT … FOR UPDATE SKIP LOCKED, so two dispatchers never take the same row and
   never wait for each other; SQLite, which has neither, claims each row with a guarded
   UPDATE … WHERE next_run_at = <what we read>.
2. `checks_run_claimed` runs the batch with asyncio, each check at its planned moment.
3. `check_results_process` records the results. (check, slot) is unique, and a result is applied to
   the check's state only if its slot is newer than the check's `last_planned_at`, in
   the same transaction: a redelivered batch (acks_late, a worker killed mid-batch)
   inserts nothing twice and changes no state twice.
4. `incidents.incident_reconcile` then opens or resolves incidents for checks whose state calls
   for it, idempotently.

A claim is a lease (docs/DESIGN.md, "Claims are leases"), and moving `next_run_at` on
is its end: a probe check's runs out when its next slot is due, a heartbeat's after
`claim_lease()` (its evaluation sets the real next deadline). A batch lost with its
worker costs each check one slot; the next is claimed on time. The batch itself is worth
running for `claim_lease()` after its slots and claim: `tasks.dispatch` gives it that
expiry, so a batch redelivered late (the broker's visibility timeout is an hour) or
queued behind a dead worker is dropped, not run now for a moment long gone. Redelivered
within it, a batch records nothing twice and finishes what its first run left undone,
such as an incident not yet opened.
"""

import asyncio
import dataclasses
import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from monitoring import conf, probes, slots
from monitoring.models import Check, CheckIncident, CheckResult, CheckStateChange, Kind, Outcome
from monitoring.services import incidents
from monitoring.services.rollups import Accumulator
from monitoring.services.spans import spans_changed

# The fields `check_results_process` writes on a check; everything else belongs to the editor.
STATE_FIELDS = [
    "state", "state_since", "consecutive_failures", "consecutive_successes",
    "failing_since", "recovering_since", "flapping", "recent_changes", "last_planned_at",
    "last_run_at", "last_outcome", "last_latency_ms", "last_status_code", "last_message",
    "tls_not_after", "next_run_at",
]
PROCESS_CHUNK = 500


def claim_lease() -> timedelta:
    """How long a claimed slot stays worth running after its moment (TEND_LEASE_SECONDS)."""
    return timedelta(seconds=settings.TEND_LEASE_SECONDS)


def checks_claim_due(*, now: datetime | None = None, lookahead: int | None = None,
                     limit: int = 20_000) -> list[tuple[int, datetime]]:
    """Claim checks due by now + lookahead; returns [(check id, planned slot)]."""
    now = now or timezone.now()
    horizon = now + timedelta(seconds=conf.dispatch_lookahead() if lookahead is None
                              else lookahead)
    postgres = connection.vendor == "postgresql"
    lease = claim_lease()
    with transaction.atomic():
        due = Check.objects.filter(paused=False, next_run_at__lte=horizon).order_by("next_run_at")
        if postgres:
            due = due.select_for_update(skip_locked=True)
        rows = list(due.values_list("pk", "next_run_at", "kind", "interval", "period",
                                    "uuid")[:limit])
        claims, moves = [], []
        for pk, next_run_at, kind, interval, period, uid in rows:
            if kind == Kind.HEARTBEAT:
                # A heartbeat's next_run_at is its deadline (or the moment of a ping);
                # the evaluation sets the real next deadline. This is the lease: if the
                # batch dies, the heartbeat is judged a lease later, not a period later.
                planned = next_run_at
                following = max(next_run_at, now) + min(timedelta(seconds=period), lease)
            else:
                planned, following = slots.plan(next_run_at, now, interval,
                                                slots.offset_ms(uid, interval))
            claims.append((pk, planned))
            moves.append((pk, next_run_at, following))
        if postgres:
            _move_all(moves)
        else:
            claimed = {pk for pk, old, new in moves
                       if Check.objects.filter(pk=pk, next_run_at=old, paused=False)
                       .update(next_run_at=new)}
            claims = [c for c in claims if c[0] in claimed]
    return claims


def _move_all(moves: list[tuple]) -> None:
    if not moves:
        return
    table = Check._meta.db_table
    values = ", ".join(["(%s, %s::timestamptz)"] * len(moves))
    params = [p for pk, _old, new in moves for p in (pk, new)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS c SET next_run_at = v.next "  # noqa: S608
                       f"FROM (VALUES {values}) AS v(id, next) WHERE c.id = v.id", params)


def checks_run_claimed(*, claims: list[tuple[int, datetime]],
                       now: datetime | None = None) -> dict:
    """Run a batch of claimed (check id, slot) pairs and record what they found.

    The probes run against the real clock (each at its slot); `now` is the moment the
    results are recorded and judged at (default: when they are in)."""
    checks = {c.pk: c for c in Check.objects.filter(pk__in=[pk for pk, _ in claims],
                                                    paused=False)}
    probe_jobs = [(checks[pk], planned) for pk, planned in claims
                  if pk in checks and checks[pk].kind != Kind.HEARTBEAT]
    heartbeat_jobs = [(pk, planned) for pk, planned in claims
                      if pk in checks and checks[pk].kind == Kind.HEARTBEAT]
    results = asyncio.run(_run(probe_jobs, heartbeat_jobs))
    return check_results_process(results=results, now=now)


async def _run(probe_jobs, heartbeat_jobs):
    results = await probes.run_all(probe_jobs)
    if heartbeat_jobs:
        # Heartbeats are judged from the database at their deadline; wait for it.
        latest = max(planned for _, planned in heartbeat_jobs)
        delay = (latest - timezone.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
    now = timezone.now()
    results += [probes.ProbeResult(check_id=pk, planned_at=planned, ran_at=now,
                                   outcome="heartbeat") for pk, planned in heartbeat_jobs]
    return results


def check_results_process(*, results: list[probes.ProbeResult],
                          now: datetime | None = None) -> dict:
    """Record results and their state changes, then reconcile incidents; one transaction
    per chunk of PROCESS_CHUNK results (and one per reconciled check)."""
    report = {"results": 0, "skipped": 0, "changes": 0, "incidents": []}
    ordered = sorted(results, key=lambda r: (r.check_id, r.planned_at))
    for i in range(0, len(ordered), PROCESS_CHUNK):
        chunk_now = now or timezone.now()
        follow_up = _process_chunk(ordered[i:i + PROCESS_CHUNK], chunk_now, report)
        for check_id in follow_up:
            outcome = incidents.incident_reconcile(check_id=check_id, now=now)
            if outcome != "nothing":
                report["incidents"].append((check_id, outcome))
    return report


def _process_chunk(chunk, now, report) -> list[int]:
    follow_up = []
    with transaction.atomic():
        ids = sorted({r.check_id for r in chunk})
        # Row locks in id order: two batches touching the same checks cannot deadlock.
        locked = {c.pk: c for c in Check.objects.select_for_update().filter(pk__in=ids)
                  .order_by("pk")}
        rows, changes, saved, failing_incidents, late = [], [], {}, [], []
        rollup = Accumulator()
        for r in chunk:
            check = locked.get(r.check_id)
            if check is None or check.paused:
                report["skipped"] += 1
                continue
            if check.last_planned_at and r.planned_at <= check.last_planned_at:
                # Seen before (a redelivery), or older than what the state already
                # reflects (a batch redelivered long after its worker died): the state
                # has moved on, but a result not stored yet is still stored.
                if check.kind != Kind.HEARTBEAT:
                    late.append(r)
                # The first run may have died between the state and its incident.
                if incidents.incident_reconcile_needed(check=check, now=now):
                    follow_up.append(check.pk)
                continue
            if check.kind == Kind.HEARTBEAT:
                r = _judge_heartbeat(check, r, now)
                if r is None:
                    saved[check.pk] = check
                    continue
            rows.append(CheckResult(owner_id=check.pk, planned_at=r.planned_at, ran_at=r.ran_at,
                                    outcome=r.outcome, latency_ms=r.latency_ms,
                                    status_code=r.status_code, message=r.message))
            rollup.add(check.pk, r.planned_at, r.outcome, r.latency_ms)
            step = check.apply_result(r.outcome, r.ran_at, r.message)
            check.last_planned_at, check.last_run_at = r.planned_at, r.ran_at
            check.last_outcome, check.last_latency_ms = r.outcome, r.latency_ms
            check.last_status_code, check.last_message = r.status_code, r.message
            if r.cert_not_after is not None:
                check.tls_not_after = r.cert_not_after
            changes += [CheckStateChange(owner_id=check.pk, from_state=c.from_state,
                                         to_state=c.to_state, at=c.at, reason=c.reason)
                        for c in step.changes]
            if r.outcome == Outcome.DOWN and check.open_incident_id:
                failing_incidents.append(check.open_incident_id)
            saved[check.pk] = check
            if incidents.incident_reconcile_needed(
                    check=check, flap_changed=step.flap_started or step.flap_ended, now=now):
                follow_up.append(check.pk)
        _store_late(late, rows, rollup, report)
        CheckResult.objects.bulk_create(rows, ignore_conflicts=True)
        _save_states(list(saved.values()))
        CheckStateChange.objects.bulk_create(changes)
        spans_changed(_earliest(changes))
        if failing_incidents:
            CheckIncident.objects.filter(pk__in=failing_incidents).update(
                failures=F("failures") + 1)
        rollup.upsert()
    report["results"] += len(rows)
    report["changes"] += len(changes)
    return list(dict.fromkeys(follow_up))


def _earliest(changes) -> dict:
    found = {}
    for change in changes:
        found[change.owner_id] = min(found.get(change.owner_id, change.at), change.at)
    return found


def _store_late(late, rows, rollup, report) -> None:
    if not late:
        return
    stored = set(CheckResult.objects.filter(
        owner_id__in={r.check_id for r in late},
        planned_at__in={r.planned_at for r in late}).values_list("owner_id", "planned_at"))
    for r in late:
        if (r.check_id, r.planned_at) in stored:
            report["skipped"] += 1
            continue
        rows.append(CheckResult(owner_id=r.check_id, planned_at=r.planned_at, ran_at=r.ran_at,
                                outcome=r.outcome, latency_ms=r.latency_ms,
                                status_code=r.status_code, message=r.message))
        rollup.add(r.check_id, r.planned_at, r.outcome, r.latency_ms)
        report["late"] = report.get("late", 0) + 1


PG_TYPES = {
    "state": "varchar", "state_since": "timestamptz", "consecutive_failures": "integer",
    "consecutive_successes": "integer", "failing_since": "timestamptz",
    "recovering_since": "timestamptz", "flapping": "boolean", "recent_changes": "jsonb",
    "last_planned_at": "timestamptz", "last_run_at": "timestamptz", "last_outcome": "varchar",
    "last_latency_ms": "double precision", "last_status_code": "integer",
    "last_message": "varchar", "tls_not_after": "timestamptz", "next_run_at": "timestamptz",
}


def _save_states(checks: list[Check]) -> None:
    """Write the state fields of many checks in one statement.

    Django's bulk_update builds a CASE per field with a branch per row, which grows
    quadratically; on Postgres one UPDATE … FROM (VALUES …) joins instead.
    """
    if not checks:
        return
    if connection.vendor != "postgresql":
        Check.objects.bulk_update(checks, STATE_FIELDS, batch_size=200)
        return
    table = Check._meta.db_table
    row = "(%s::bigint, " + ", ".join(f"%s::{PG_TYPES[f]}" for f in STATE_FIELDS) + ")"
    params = []
    for check in checks:
        params.append(check.pk)
        for name in STATE_FIELDS:
            value = getattr(check, name)
            params.append(json.dumps(value) if name == "recent_changes" else value)
    columns = ", ".join(STATE_FIELDS)
    assignments = ", ".join(f"{f} = v.{f}" for f in STATE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS c SET {assignments} "  # noqa: S608
                       f"FROM (VALUES {', '.join([row] * len(checks))}) AS v(id, {columns}) "
                       "WHERE c.id = v.id", params)


def _judge_heartbeat(check: Check, r: probes.ProbeResult, now):
    """Turn a claimed heartbeat slot into a result, from the pings in the database."""
    judged = check.heartbeat_outcome(now)
    if check.next_run_at is None or check.next_run_at > now:
        # No ping since the claim: evaluate again at the deadline (or a period on).
        check.next_run_at = check.heartbeat_deadline(now)
    check.last_planned_at = r.planned_at
    if judged is None:
        return None
    outcome, message, runtime = judged
    return dataclasses.replace(r, outcome=outcome, message=message, latency_ms=runtime,
                               ran_at=now)
