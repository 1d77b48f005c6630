"""The disk spool: every batch is written here first and removed once Tend took it.

One JSON file per batch, named by the moment it was made, so sending in name order is
sending in the order measured, with the original timestamps inside. The spool is bounded
(`spool_max_bytes`): past it the oldest batches are dropped, each with a log line, since
a host that has been cut off for weeks matters less than its disk filling the agent.
"""

import json
import logging
import os
import time
from pathlib import Path

log = logging.getLogger("tend_agent")
KINDS = ("metrics", "inventory")


class Spool:
    def __init__(self, folder: str | Path, max_bytes: int):
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def put(self, kind: str, payload: dict) -> Path:
        """Write a batch atomically (a reader never sees half a file), then bound the spool."""
        assert kind in KINDS
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{time.time_ns():020d}-{kind}.json"
        part = path.with_suffix(".part")
        part.write_text(json.dumps(payload, separators=(",", ":")))
        os.replace(part, path)
        self._bound()
        return path

    def batches(self) -> list[tuple[Path, str]]:
        """The spooled batches, oldest first: (file, kind)."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            kind = path.stem.rpartition("-")[2]
            if kind in KINDS:
                found.append((path, kind))
        return found

    def read(self, path: Path) -> dict | None:
        """The batch, or None (and the file gone) if it cannot be read back."""
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            log.warning("dropping unreadable spooled batch %s: %s", path.name, exc)
            path.unlink(missing_ok=True)
            return None

    def size(self) -> int:
        return sum(path.stat().st_size for path, _ in self.batches())

    def _bound(self) -> None:
        batches = self.batches()
        sizes = [path.stat().st_size for path, _ in batches]
        total = sum(sizes)
        # The newest batch always stays, even if it alone is over the bound.
        for (path, _kind), size in zip(batches[:-1], sizes[:-1], strict=True):
            if total <= self.max_bytes:
                break
            log.warning("spool over %d bytes: dropping the oldest batch %s", self.max_bytes,
                        path.name)
            path.unlink(missing_ok=True)
            total -= size
