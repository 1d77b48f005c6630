"""The scrape engine: claim due scrape targets, fetch them, ingest what they expose, once.

1. The claim (`scrape_targets_claim`) takes enabled targets whose slot is due, or whose
   claim ran out unfinished, with SELECT … FOR UPDATE SKIP LOCKED on Postgres (a guarded
   UPDATE … WHERE on SQLite), and in that transaction sets `lease_until` (the claim) and
   moves `next_run_at` to the following slot. It returns Claims (target, slot, lease).
2. The fetch goes through monitoring's netguard (no metadata or link-local addresses,
   private ones per TEND_MONITORING_ALLOW_PRIVATE; the address checked is the one
   connected to), never follows redirects, has a timeout per target and a size cap
   (TEND_SCRAPE_MAX_BYTES, 5 MiB), and ignores proxies from the environment.
3. Each target's samples are ingested and its outcome recorded in one transaction, which
   also ends the claim, guarded by the lease it took (`lease_until = <ours>`).

Targets are added and validated in services/targets.py (DSEs and admins define them).

A claim is a lease (docs/DESIGN.md): a worker killed mid-batch leaves its unfinished
targets with `lease_until` in the past, and the next dispatch after that takes them over
and scrapes the same slot. Samples without a timestamp (node_exporter's) are stamped
with the slot, and ingest is idempotent on (series, t), so a slot scraped twice stores
nothing twice; targets the dead worker had finished ended their claims and are not redone
(each target is recorded as soon as its fetch is in). Kill test:
tests/capacity/services/test_scrape_kill.py.
"""

import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from capacity.models import ScrapeTarget, Source
from monitoring import netguard
from monitoring.guarded_http import guarded_client as http_client

log = logging.getLogger(__name__)
USER_AGENT = "Tend-Capacity/1.0"
ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1"
# httpx logs every request at INFO: a line per scrape would drown the worker's log.
logging.getLogger("httpx").setLevel(logging.WARNING)


def max_bytes() -> int:
    """The largest body read from a scrape target or Prometheus (TEND_SCRAPE_MAX_BYTES)."""
    value = getattr(settings, "TEND_SCRAPE_MAX_BYTES",
                    os.environ.get("TEND_SCRAPE_MAX_BYTES", 5 * 1024 * 1024))
    return int(value)


def lease_for(timeout: int) -> timedelta:
    """A claim outlives the fetch's timeout, so a slow target is not taken over mid-scrape."""
    return timedelta(seconds=max(settings.TEND_LEASE_SECONDS, timeout + 5))


class FetchError(Exception):
    """The target could not be read; the message is safe to store and show."""


def guarded_client() -> httpx.Client:
    """An httpx client whose every connection goes through netguard, with no proxies."""
    return http_client(user_agent=USER_AGENT, purpose="scrape target")


def fetch(client: httpx.Client, url: str, *, timeout: float, headers: dict | None = None,
          params: dict | None = None, limit: int | None = None) -> bytes:
    """GET `url`: the body, or FetchError with a message fit for `last_error`."""
    limit = limit or max_bytes()
    shown = netguard.strip_userinfo(url)
    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", url, headers=headers, params=params,
                           timeout=httpx.Timeout(timeout)) as response:
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} from {shown}"
                                 + _reason(response))
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"{shown} answered {declared} bytes, over the {limit} cap")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"{shown} answered more than {limit} bytes")
                if time.monotonic() > deadline:  # a target trickling bytes to stay alive
                    raise FetchError(f"{shown} took longer than {timeout:g} s")
                chunks.append(chunk)
            return b"".join(chunks)
    except netguard.BlockedAddress as exc:
        raise FetchError(str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"{shown} took longer than {timeout:g} s") from exc
    except (httpx.HTTPError, OSError) as exc:
        raise FetchError(f"{shown} unreachable: {type(exc).__name__}: {exc}"[:300]) from exc


def _reason(response: httpx.Response) -> str:
    """What an error answer says, when it says it in JSON (Prometheus does): ': <error>'."""
    try:
        answer = json.loads(response.read()[:4096])
    except (ValueError, httpx.HTTPError):
        return ""
    error = answer.get("error") if isinstance(answer, dict) else None
    return f": {str(error)[:200]}" if error else ""


@dataclass(frozen=True)
class Claim:
    target_id: int
    slot: datetime
    lease_until: datetime


def _slots(next_run_at: datetime, now: datetime, interval: int) -> tuple[datetime, datetime]:
    """The latest slot due by now on the target's grid, and the one after it."""
    step = timedelta(seconds=interval)
    missed = int((now - next_run_at) / step) if now > next_run_at else 0
    slot = next_run_at + missed * step
    return slot, slot + step


def scrape_targets_claim(*, now: datetime | None = None, batch: int = 200) -> list[Claim]:
    """Claim due targets and targets whose claim ran out: see the module docstring."""
    now = now or timezone.now()
    postgres = connection.vendor == "postgresql"
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    due = Q(next_run_at__lte=now) | Q(lease_until__lte=now)
    with transaction.atomic():
        rows = ScrapeTarget.objects.filter(free, due, enabled=True).order_by("next_run_at")
        if postgres:
            rows = rows.select_for_update(skip_locked=True)
        claims = []
        for pk, next_run_at, lease_until, interval, timeout in rows.values_list(
                "pk", "next_run_at", "lease_until", "interval", "timeout")[:batch]:
            if lease_until is not None and next_run_at > now:
                # Taken over: the slot the dead claim left unfinished, still the latest one.
                slot = next_run_at - timedelta(seconds=interval)
                following = next_run_at
            else:
                slot, following = _slots(next_run_at, now, interval)
            lease = now + lease_for(timeout)
            # Row locked on Postgres; on SQLite the guard makes a second claimer update 0 rows.
            if ScrapeTarget.objects.filter(pk=pk, next_run_at=next_run_at,
                                           lease_until=lease_until).update(
                    next_run_at=following, lease_until=lease):
                claims.append(Claim(pk, slot, lease))
    return claims


def scrape_result_record(*, claim: Claim, body: bytes | None, error: str = "",
                         now: datetime | None = None) -> tuple[int, str]:
    """Ingest one target's body for its slot (or record its error) and end the claim;
    one transaction, so a worker killed half-way leaves the claim for the next to take.
    Returns (samples stored, error recorded), (0, "") for a claim no longer ours."""
    now = now or timezone.now()
    stored = 0
    with transaction.atomic():
        target = (ScrapeTarget.objects.select_related("asset")
                  .filter(pk=claim.target_id, lease_until=claim.lease_until).first())
        if target is None:  # disabled, deleted, or taken over by another worker since
            return 0, ""
        changes = {"lease_until": None}
        if body is not None:
            from capacity.samples import parse_prometheus_text
            from capacity.services.ingest import samples_ingest

            try:
                with transaction.atomic():
                    samples = parse_prometheus_text(body.decode("utf-8", errors="replace"),
                                                    now=claim.slot)
                    result = samples_ingest(asset=target.asset, samples=samples,
                                            source=Source.SCRAPE, now=now)
                stored = getattr(result, "accepted", len(samples))
                changes.update(last_ok_at=now, last_error="", last_samples=stored)
            except Exception as exc:  # one bad exposition never stops the batch
                log.warning("scrape of target %s could not be ingested: %s", target.pk, exc)
                error = f"Could not read the metrics: {exc}"
        if error:
            changes.update(last_error=error[:300], last_samples=0)
        ScrapeTarget.objects.filter(pk=target.pk, lease_until=claim.lease_until).update(
            **changes)
    return stored, error


def capacity_scrape_dispatch(*, now: datetime | None = None, batch: int = 200,
                             concurrency: int = 16) -> dict:
    """Claim due targets, fetch them concurrently, ingest each as soon as it is in.

    `now` moves the claim's clock (tests); fetches happen for real, results are recorded
    at the real time they arrive unless `now` is given."""
    claims = scrape_targets_claim(now=now, batch=batch)
    report = {"claimed": len(claims), "ok": 0, "failed": 0, "samples": 0}
    if not claims:
        return report
    targets = dict(ScrapeTarget.objects.filter(pk__in=[c.target_id for c in claims])
                   .values_list("pk", "url"))
    timeouts = dict(ScrapeTarget.objects.filter(pk__in=targets).values_list("pk", "timeout"))

    def get(claim: Claim):
        try:
            return claim, fetch(client, targets[claim.target_id],
                                timeout=timeouts[claim.target_id],
                                headers={"Accept": ACCEPT}), ""
        except FetchError as exc:
            return claim, None, str(exc)

    with guarded_client() as client, ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(get, claim) for claim in claims if claim.target_id in targets]
        for future in as_completed(futures):
            claim, body, error = future.result()
            stored, error = scrape_result_record(claim=claim, body=body, error=error, now=now)
            report["samples"] += stored
            report["failed" if error else "ok"] += 1
    return report
