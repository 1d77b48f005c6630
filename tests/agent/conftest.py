"""The agent is its own package (agent/, `pip install ./agent`); tests import it from
the source tree, and run its command line with the same interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENT_SRC = Path(__file__).resolve().parents[2] / "agent"
if str(AGENT_SRC) not in sys.path:
    sys.path.insert(0, str(AGENT_SRC))


def write_config(folder: Path, *, url: str, asset_id: int, token: str, **extra) -> Path:
    lines = [f'url = "{url}"', f"asset_id = {asset_id}", f'token = "{token}"',
             f'spool_dir = "{folder / "spool"}"', "timeout = 3"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]  # JSON scalars are TOML
    path = folder / "tend-agent.toml"
    path.write_text("[tend]\n" + "\n".join(lines) + "\n")
    return path


def run_agent(*args: str) -> subprocess.CompletedProcess:
    """`tend-agent …` in a process of its own, as cron would run it."""
    env = {**os.environ, "PYTHONPATH": str(AGENT_SRC)}
    return subprocess.run([sys.executable, "-m", "tend_agent", *args], capture_output=True,
                          text=True, timeout=120, env=env, check=False)


@pytest.fixture
def agent_config(tmp_path):
    def make(**kwargs) -> Path:
        return write_config(tmp_path, **kwargs)

    return make
