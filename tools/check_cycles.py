"""No import cycles inside an app (issue 11, "Dependency direction, enforced").

The rule: at every level of an app (the app itself and each of its sub-packages), the
children of the package, plus the package's own `__init__`, import each other without a
cycle. A child counts with everything below it, so `tickets.web` importing `tickets.services`
while anything in `tickets.services` imports anything in `tickets.web` is a cycle, and so is
`tickets.services.ticket` <-> `tickets.services.sla`. The package's `__init__` is a node of its
own level, so a module that its package re-exports must not import that package back
(`from monitoring.selectors import x` inside monitoring/selectors/checks.py, where x is a name
the `__init__` defines or re-exports): import the sibling module itself. Imports between
apps are the ladder's business (import-linter's layers contract in pyproject.toml).

Only module-level imports count (including those in class bodies and module-level `if`/`try`).
An import inside a function body is deferred to call time: it is how a service enqueues its own
Celery task while the task module imports the service, and it cannot leave a module half
initialised. Imports under `if TYPE_CHECKING:` never run and do not count either.
`--all` also counts deferred imports, to see the whole graph.

import-linter 2.x has an `acyclic_siblings` contract doing the sibling part, but it counts every
import grimp finds, deferred ones included, and ignores the package's own `__init__`; this
script builds the same grimp graph and applies the rule above.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    path: str
    line: int
    text: str


def app_packages(root: Path = ROOT) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def module_path(root: Path, module: str) -> Path:
    base = root.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def deferred_lines(source: str) -> set[int]:
    """Line numbers of import statements inside function bodies."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            lines.update(sub.lineno for sub in ast.walk(node)
                         if isinstance(sub, ast.Import | ast.ImportFrom))
    return lines


def module_imports(root: Path, apps: list[str], *, include_deferred: bool = False
                   ) -> tuple[list[Import], list[str]]:
    """Every import from one module of an app to another of the same app; the packages."""
    sys.path.insert(0, str(root))
    try:
        graph = grimp.build_graph(*apps, cache_dir=None, exclude_type_checking_imports=True)
    finally:
        sys.path.remove(str(root))
    found = []
    packages = []
    for module in sorted(graph.modules):
        app = module.split(".")[0]
        if ".migrations" in module:
            continue
        path = module_path(root, module)
        if path.name == "__init__.py":
            packages.append(module)
        skip = set() if include_deferred else deferred_lines(path.read_text(encoding="utf-8"))
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.split(".")[0] != app:
                continue
            found.extend(
                Import(module, imported, str(path.relative_to(root)), detail["line_number"],
                       detail["line_contents"])
                for detail in graph.get_import_details(importer=module, imported=imported)
                if detail["line_number"] not in skip)
    return found, packages


def _node(package: str, module: str) -> str | None:
    """Which node of `package`'s level `module` belongs to (None if outside the package)."""
    if module == package:
        return package
    if not module.startswith(package + "."):
        return None
    return package + "." + module[len(package) + 1:].split(".")[0]


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns the components with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    nodes = sorted(set(edges) | {n for targets in edges.values() for n in targets})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def _cycle_path(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One shortest cycle through the component's first node."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(edges.get(node, ())):
            if child == start:
                return paths[node] + [start]
            if child in members and child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return component


@dataclass(frozen=True)
class Cycle:
    package: str
    path: list[str]
    imports: list[Import]

    def __str__(self) -> str:
        lines = [f"{self.package}: import cycle {' -> '.join(self.path)}"]
        lines += [f"  {i.path}:{i.line}: {i.text}" for i in self.imports]
        return "\n".join(lines)


def find_cycles(root: Path = ROOT, apps: list[str] | None = None, *,
                include_deferred: bool = False) -> list[Cycle]:
    apps = app_packages(root) if apps is None else apps
    imports, packages = module_imports(root, apps, include_deferred=include_deferred)
    cycles = []
    for package in packages:
        edges: dict[str, set[str]] = defaultdict(set)
        by_edge: dict[tuple[str, str], list[Import]] = defaultdict(list)
        for imp in imports:
            source, target = _node(package, imp.importer), _node(package, imp.imported)
            if source and target and source != target:
                edges[source].add(target)
                by_edge[source, target].append(imp)
        for component in _strongly_connected(edges):
            path = _cycle_path(component, edges)
            shown = [imp for a, b in zip(path, path[1:], strict=False) for imp in by_edge[a, b][:3]]
            cycles.append(Cycle(package, path, shown))
    return cycles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--all", action="store_true", help="count deferred imports too")
    args = parser.parse_args(argv)
    cycles = find_cycles(args.root, include_deferred=args.all)
    for cycle in cycles:
        print(cycle)
    if cycles:
        print(f"check_cycles: {len(cycles)} import cycle(s) inside an app", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
