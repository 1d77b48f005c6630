"""`tend-agent run | once | check [--config PATH]`.

run: the loop (systemd); once: one round (cron); check: the configuration, one
measurement and one real push, saying what is wrong if anything is. Exit status: 0 fine,
1 Tend unreachable or refused, 2 bad configuration.
"""

import argparse
import logging
import sys

from tend_agent import agent, collect, inventory
from tend_agent.client import Rejected, Unreachable, post
from tend_agent.config import DEFAULT_PATH, ConfigError, load


def _check(config) -> int:
    samples = collect.measure(cpu_wait=0.5)
    print(f"configuration fine: asset {config.asset_id} at {config.url}")
    print(f"measured {len(samples)} samples: "
          + ", ".join(sorted({f"{s['series']}" for s in samples})))
    print("inventory: " + ("dpkg/apt found" if inventory.available() and config.inventory
                           else "off (no dpkg/apt, or inventory = false)"))
    try:
        answer = post(config, "metrics", {"samples": samples})
    except Unreachable as exc:
        print(f"Tend unreachable: {exc}", file=sys.stderr)
        return 1
    except Rejected as exc:
        hint = " (is the token this asset's, and not revoked?)" if exc.status in {401, 403} \
            else ""
        print(f"Tend refused the push: {exc}{hint}", file=sys.stderr)
        return 1
    print(f"Tend accepted the push: {answer}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tend-agent", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "once", "check"])
    parser.add_argument("--config", default=DEFAULT_PATH, help=f"default {DEFAULT_PATH}")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "run"
                        else logging.WARNING, format="tend-agent: %(levelname)s %(message)s")
    try:
        config = load(args.config)
    except ConfigError as exc:
        print(f"tend-agent: bad configuration: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        return _check(config)
    if args.command == "once":
        result = agent.run_once(config)
        return 1 if result.error or result.rejected else 0
    try:
        agent.run_forever(config)
    except KeyboardInterrupt:
        return 0
    return 0
