"""`make run` hands web, worker and beat the base URL of the port it serves on, since each
process under honcho gets a PORT of its own (web 8000, worker 8100, beat 8200)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def base_url_make_run_exports(**env) -> str:
    """TEND_BASE_URL as `make run` exports it to its recipes, running none of them: under
    `make -n` only a `+` line runs, here a probe made a prerequisite of `run`."""
    if not shutil.which("make"):
        pytest.skip("needs make")
    environ = {name: value for name, value in os.environ.items()
               if name not in {"PORT", "TEND_BASE_URL", "MAKEFLAGS"}}
    probe = 'tend-probe: ; +@echo "probe: $$TEND_BASE_URL"'
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "--eval", "run: tend-probe", "--eval", probe,
         "run"], cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, check=True)
    [line] = [line for line in result.stdout.splitlines() if line.startswith("probe: ")]
    return line.removeprefix("probe: ")


def test_mail_links_use_the_port_make_run_serves_on():
    assert base_url_make_run_exports() == "http://127.0.0.1:8000"
    assert base_url_make_run_exports(PORT="8101") == "http://127.0.0.1:8101"


def test_an_explicit_base_url_wins_over_the_port():
    assert base_url_make_run_exports(
        PORT="8101", TEND_BASE_URL="https://tend.example.com") == "https://tend.example.com"
