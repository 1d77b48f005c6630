"""The agent's configuration: a TOML file (/etc/tend-agent.toml by default).

A bad file fails loudly with one message per problem, so `tend-agent check` can say what
to fix instead of an agent running quietly with a half-read configuration.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PATH = "/etc/tend-agent.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class Config:
    url: str                      # Tend's base URL, e.g. https://tend.example.com
    asset_id: int
    token: str                    # the asset's token, tend_asset_…
    interval: int = 60            # seconds between measurements
    inventory_interval: int = 3600
    spool_dir: str = "/var/lib/tend-agent/spool"
    spool_max_bytes: int = 50 * 1024 * 1024
    timeout: float = 10.0
    inventory: bool = True        # set false on hosts without dpkg/apt

    def endpoint(self, what: str) -> str:
        return f"{self.url.rstrip('/')}/api/v1/assets/{self.asset_id}/{what}/"


def _number(raw: dict, name: str, kind, default, minimum, problems: list[str]):
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{name} must be a number, not {value!r}")
        return default
    if value < minimum:
        problems.append(f"{name} must be at least {minimum}")
        return default
    return kind(value)


def parse(raw: dict) -> Config:
    """A Config from the file's table, or ConfigError naming every bad field."""
    problems: list[str] = []
    section = raw.get("tend", raw)
    url = section.get("url", "")
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in {"http", "https"} or not parts.netloc:
        problems.append("url must be Tend's http(s) URL, e.g. https://tend.example.com")
    asset_id = section.get("asset_id")
    if isinstance(asset_id, bool) or not isinstance(asset_id, int) or asset_id < 1:
        problems.append("asset_id must be the asset's number in Tend")
    token = section.get("token", "")
    if not isinstance(token, str) or not token.strip():
        problems.append("token must be the asset's token (shown once when it was created)")
    interval = _number(section, "interval", int, 60, 10, problems)
    inventory_interval = _number(section, "inventory_interval", int, 3600, 60, problems)
    spool_max = _number(section, "spool_max_bytes", int, 50 * 1024 * 1024, 64 * 1024, problems)
    timeout = _number(section, "timeout", float, 10.0, 1, problems)
    spool_dir = section.get("spool_dir", Config.spool_dir)
    if not isinstance(spool_dir, str) or not spool_dir:
        problems.append("spool_dir must be a directory path")
    inventory = section.get("inventory", True)
    if not isinstance(inventory, bool):
        problems.append("inventory must be true or false")
    if problems:
        raise ConfigError("; ".join(problems))
    return Config(url=url, asset_id=asset_id, token=token.strip(), interval=interval,
                  inventory_interval=inventory_interval, spool_dir=spool_dir,
                  spool_max_bytes=spool_max, timeout=timeout, inventory=inventory)


def load(path: str | Path = DEFAULT_PATH) -> Config:
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    return parse(raw)
