"""Layout rules of the house plan (DESIGN.md, "Layout"; issue 11, "Done means").

- Every non-empty module of an app package starts with a docstring saying what it holds
  (migrations are generated and exempt; an empty `__init__.py` says nothing and needs none).
- No module over 400 lines outside migrations, in the apps, tests/, bench/ and tools/: split by
  aggregate instead.
- No module or package name whose prefix stands in for a folder (`desk_queue.py`,
  `models_sla.py`, `api_views.py`, ...): make the folder.
- Every app (a top-level package with an apps.py) is on the import ladder: listed in
  `[tool.importlinter] root_packages`, on a rung of the "ladder" layers contract, and among the
  importers of the "no-demo" forbidden contract (demo itself excepted), so a new app cannot
  slip past the import rules by not being mentioned.

App packages are the root_packages, plus agent/ when it exists.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
PREFIX = re.compile(r"^(desk|portal|api|views|models|sla|urls)_")
OTHER_TREES = ["tests", "bench", "tools"]
EXTRA_PACKAGES = ["agent"]


def _config(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]


def _contract(config: dict, contract_id: str) -> dict:
    return next((c for c in config.get("contracts", []) if c.get("id") == contract_id), {})


def app_packages(root: Path) -> list[str]:
    apps = list(_config(root)["root_packages"])
    return apps + [p for p in EXTRA_PACKAGES if (root / p).is_dir() and p not in apps]


def _python_files(root: Path, top: str):
    for path in sorted((root / top).rglob("*.py")):
        parts = path.relative_to(root).parts
        if "migrations" not in parts:
            yield path, parts


def check_modules(root: Path, apps: list[str]) -> list[str]:
    problems = []
    for top in apps + [t for t in OTHER_TREES if (root / t).is_dir()]:
        for path, parts in _python_files(root, top):
            name = "/".join(parts)
            source = path.read_text(encoding="utf-8")
            lines = len(source.splitlines())
            if lines > MAX_LINES:
                problems.append(f"{name}:1: {lines} lines, over {MAX_LINES}: split it by "
                                "aggregate")
            if top not in apps:
                continue
            tree = ast.parse(source, filename=name)
            if tree.body and ast.get_docstring(tree) is None:
                problems.append(f"{name}:1: no docstring: say in its first line what it holds")
            for part in parts[1:]:
                stem = part.removesuffix(".py")
                if PREFIX.match(stem):
                    problems.append(f"{name}:1: `{stem}` is a prefix standing in for a "
                                    f"folder: use {stem.split('_')[0]}/")
                    break
    return sorted(set(problems))


def check_ladder(root: Path) -> list[str]:
    config = _config(root)
    roots = set(config["root_packages"])
    rungs = {app.strip() for rung in _contract(config, "ladder").get("layers", [])
             for app in rung.replace(":", "|").split("|")}
    importers = set(_contract(config, "no-demo").get("source_modules", []))
    problems = []
    for apps_py in sorted(root.glob("*/apps.py")):
        app = apps_py.parent.name
        missing = []
        if app not in roots:
            missing.append("[tool.importlinter] root_packages")
        if app != "demo" and app not in rungs:
            missing.append("a rung of the 'ladder' contract")
        if app != "demo" and app not in importers:
            missing.append("source_modules of the 'no-demo' contract")
        if missing:
            problems.append(f"pyproject.toml:1: app `{app}` is missing from "
                            + ", ".join(missing) + " (see the ladder comment there)")
    return problems


def check(root: Path = ROOT) -> list[str]:
    return check_ladder(root) + check_modules(root, app_packages(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    problems = check(args.root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layout: {len(problems)} layout problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
