"""What one round does: measure, spool, maybe take the inventory, then send the spool.

Every batch goes through the spool, sent or not: one path for "Tend is up" and "Tend was
down for a day", so a backlog leaves in the order it was measured, with its timestamps.
Sending stops at the first batch Tend cannot take now; a batch Tend rejects (4xx) is
dropped with a log line, since retrying it would block everything behind it.
"""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from tend_agent import collect, inventory
from tend_agent.client import Rejected, Unreachable, post
from tend_agent.config import Config
from tend_agent.spool import Spool

log = logging.getLogger("tend_agent")
STAMP = "last-inventory"


@dataclass
class Round:
    spooled: list[str] = field(default_factory=list)
    sent: int = 0
    rejected: int = 0
    left: int = 0
    error: str = ""


def spool_of(config: Config) -> Spool:
    return Spool(config.spool_dir, config.spool_max_bytes)


def inventory_due(config: Config, now: float) -> bool:
    if not config.inventory or not inventory.available():
        return False
    try:
        last = float((Path(config.spool_dir) / STAMP).read_text())
    except (OSError, ValueError):
        return True
    return now - last >= config.inventory_interval


def take_inventory(config: Config, spool: Spool, now: float) -> bool:
    try:
        report = inventory.report()
    except (OSError, ValueError) as exc:  # includes CalledProcessError and timeouts
        log.warning("inventory skipped: %s", exc)
        return False
    spool.put("inventory", report)
    (Path(config.spool_dir) / STAMP).write_text(str(now))
    return True


def flush(config: Config, spool: Spool, result: Round) -> Round:
    """Send the spooled batches oldest first; stop at the first one Tend cannot take."""
    batches = spool.batches()
    for index, (path, kind) in enumerate(batches):
        payload = spool.read(path)
        if payload is None:
            continue
        try:
            post(config, kind, payload)
        except Unreachable as exc:
            result.error = str(exc)
            result.left = len(batches) - index
            log.warning("%s; %d batch(es) kept in %s", exc, result.left, spool.folder)
            return result
        except Rejected as exc:
            result.rejected += 1
            log.error("Tend refused the %s batch %s, dropping it: %s", kind, path.name, exc)
        else:
            result.sent += 1
        path.unlink(missing_ok=True)
    return result


def run_once(config: Config, *, cpu_wait: float | None = 1.0,
             now: float | None = None) -> Round:
    now = time.time() if now is None else now
    spool = spool_of(config)
    result = Round()
    spool.put("metrics", {"samples": collect.measure(cpu_wait=cpu_wait, now=now)})
    result.spooled.append("metrics")
    if inventory_due(config, now) and take_inventory(config, spool, now):
        result.spooled.append("inventory")
    return flush(config, spool, result)


def run_forever(config: Config) -> None:
    """A round every `interval` seconds, on the interval's grid so rounds do not drift."""
    collect.measure(cpu_wait=None)  # primes CPU busy: later rounds measure since the last
    while True:
        started = time.time()
        result = run_once(config, cpu_wait=None, now=started)
        log.info("sent %d, kept %d", result.sent, result.left)
        time.sleep(max(1.0, config.interval - (time.time() - started) % config.interval))
