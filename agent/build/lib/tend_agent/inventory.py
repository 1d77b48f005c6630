"""The package inventory for Tend's inventory endpoint: installed and pending (dpkg/apt).

Installed packages come from `dpkg-query -W`; pending updates from a simulated upgrade
(`apt-get -s upgrade`, which needs no root and changes nothing). An update is a security
one when its origin is a security archive (Debian-Security, <release>-security). apt gives
no advisory numbers, so each pending update is reported under an identifier of its own,
APT-<package>-<version>, with the severity its origin implies.
"""

import re
import shutil
import subprocess
from datetime import UTC, datetime

# apt-get -s prints, per package:
#   Inst openssl [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
INST = re.compile(r"^Inst (?P<package>\S+) (?:\[(?P<old>[^\]]*)\] )?\((?P<new>\S+) "
                  r"(?P<origins>[^\[)]*)")
IDENTIFIER_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")


def _run(args: list[str], timeout: float = 120) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout,  # noqa: S603
                            check=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/sbin"})
    return result.stdout


def installed() -> list[dict]:
    out = _run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n"])
    software = {}
    for line in out.splitlines():
        name, _, rest = line.partition("\t")
        version, _, status = rest.partition("\t")
        if name and status.startswith("ii"):
            software[name[:200]] = version[:100]
    return [{"name": name, "version": version} for name, version in sorted(software.items())]


def is_security(origins: str) -> bool:
    return "security" in origins.lower()


def parse_simulation(text: str, *, today: str) -> list[dict]:
    """Pending updates from `apt-get -s upgrade` output (one per package)."""
    pending = {}
    for line in text.splitlines():
        match = INST.match(line)
        if not match:
            continue
        package, version, origins = match["package"], match["new"], match["origins"].strip()
        security = is_security(origins)
        identifier = IDENTIFIER_UNSAFE.sub("_", f"APT-{package}-{version}")[:64]
        pending[identifier] = {
            "advisory": identifier, "package": package[:200], "fixed_version": version[:100],
            "title": (f"{package} {version}" + (" (security)" if security else ""))[:300],
            "severity": "high" if security else "low", "released_on": today}
    return list(pending.values())


def pending_updates(*, today: str | None = None) -> list[dict]:
    today = today or datetime.now(UTC).date().isoformat()
    return parse_simulation(_run(["apt-get", "-s", "-o", "Debug::NoLocking=1", "upgrade"]),
                            today=today)


def available() -> bool:
    return bool(shutil.which("dpkg-query") and shutil.which("apt-get"))


def report() -> dict:
    """The inventory body: everything installed, and the complete list of pending updates."""
    return {"software": installed(), "pending": pending_updates(), "complete": True}
