"""The write rule: only `<app>/services/` writes Tend models (DESIGN.md, "Every app has the
same inner plan"). Static, AST-based, no Django setup; `make lint` runs it.

Where writes are allowed
- `<app>/services/**` of every app in `[tool.importlinter] root_packages` (pyproject.toml).
- `*/migrations/*`.
- tests/ and bench/ are not scanned: they set up state and measure, they are not the product.
- demo/ (seeding for `make run`, never installed in production) may bulk-load directly
  (`bulk_create`, `bulk_update`, raw SQL such as COPY or INSERT) because a million tickets
  cannot go through a service one by one. Every other write in demo/ (save, create, update,
  delete, get_or_create, ...) goes through a service like everywhere else, so seeding also
  exercises the rules a user would meet.

What counts as a write (a call whose receiver is not obviously something other than the ORM)
- `.save()` (model, ModelForm, formset, DRF serializer: each ends in a model save) unless
  `commit=False`; `.delete()`, `.create()`, `.bulk_create()`, `.bulk_update()`,
  `.get_or_create()`, `.update_or_create()`.
- `.update()` on something that looks like a QuerySet or manager (`.objects`, `.filter(...)`,
  `.all()`, `.select_for_update()`, a related manager, or a local name bound to one), so
  `dict.update` is not a write.
- `.add()`, `.remove()`, `.set()`, `.clear()` on a related manager: an attribute named like a
  ManyToManyField or a `related_name` declared in the scanned models, or ending in `_set`.
- `.execute()`, `.executemany()`, `.raw()`, `.copy()` whose SQL (a literal, an f-string, a
  `.format()` of one, or a name bound to one in the function or module) contains INSERT,
  UPDATE (not `FOR UPDATE`), DELETE, COPY, TRUNCATE or MERGE; `.copy_expert()`/`.copy_from()`.
- `super().save()` / `super().delete()` except inside a models module's own `save`/`delete`
  override (which is then judged by the other writes it makes, e.g. writing a parent row);
  `super().save_model()`, `super().delete_model()`, `super().delete_queryset()` in admin.
- An admin class that keeps Django's own saving or deleting hooks (tools/admin_writes.py).

Not writes: calls on a name imported from outside Tend (`cache`, `default_storage`, `messages`,
a third-party model such as DRF's `Token`: not a Tend model; `get_user_model()` and
`apps.get_model()` do return Tend models and are checked), and calls on receivers named like
non-ORM things (session, headers, cookies, cache, storage, context, ...).

Escape hatch: `# writes: allowed because <why>` on the call's line (or the line above it).
The reason is required; keep these rare: each one is listed when the check runs.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

try:
    from tools import admin_writes
except ModuleNotFoundError:  # run as a script: tools/ itself is on sys.path
    import admin_writes

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "is an ORM write outside services/ (DESIGN.md: only services write)"

# Packages allowed to bulk-load directly (see the docstring).
BULK_LOADERS = {"demo"}

ALWAYS = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
BULK = {"bulk_create", "bulk_update"}
NAMED = {"save", "delete", "create"}
RELATED = {"add", "remove", "set", "clear"}
SQL_CALLS = {"execute", "executemany", "raw", "copy"}
COPY_CALLS = {"copy_expert", "copy_from", "copy_to"}
ADMIN_SUPER_WRITES = {"save_model", "delete_model", "delete_queryset"}
QS_METHODS = {
    "all", "alias", "annotate", "defer", "distinct", "exclude", "extra", "filter",
    "get_queryset", "none", "only", "order_by", "prefetch_related", "reverse",
    "select_for_update", "select_related", "using",
}
QS_NAME = re.compile(r"(^|_)(qs|queryset)$")
NON_ORM_NAMES = {
    "archive", "buf", "buffer", "cache", "caches", "context", "cookies", "ctx", "default_storage",
    "headers", "image", "img", "kwargs", "messages", "params", "parts", "pipe", "pipeline",
    "redis", "response", "seen", "session", "storage", "wb", "workbook",
}
# Imported from Django, but what they return is a Tend model.
MODEL_LOOKUPS = {"get_user_model"}
# Django's own many-to-many managers on users and groups.
BUILTIN_RELATIONS = {"groups", "user_permissions", "permissions"}

WRITE_SQL = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+[\w\"]|DELETE\s+FROM|COPY\s|TRUNCATE|MERGE\s+INTO)", re.I)
ROW_LOCK = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.I)
ALLOW = re.compile(r"#\s*writes:\s*allowed\b(?:\s+because\b\s*(?P<why>.*))?", re.I)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    problem: str = MESSAGE

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call} {self.problem}"


@dataclass(frozen=True)
class Allowance:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: allowed because {self.reason}"


def app_packages(root: Path = ROOT) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def is_models_module(parts: tuple[str, ...]) -> bool:
    return parts[-1] == "models.py" or "models" in parts[:-1]


def _root_name(expr: ast.expr) -> str | None:
    while True:
        if isinstance(expr, ast.Attribute | ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Name):
            return expr.id
        else:
            return None


def _last_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return None


def _is_super(expr: ast.expr) -> bool:
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
            and expr.func.id == "super")


def relation_names(files: list[tuple[tuple[str, ...], ast.Module]]) -> set[str]:
    """Names of related managers: many-to-many fields and related_names in the models."""
    names = set(BUILTIN_RELATIONS)
    for parts, tree in files:
        if not is_models_module(parts):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Assign | ast.AnnAssign) or not isinstance(
                    node.value, ast.Call):
                continue
            kind = _last_name(node.value.func)
            if kind not in ("ForeignKey", "ManyToManyField"):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if kind == "ManyToManyField":
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            for kw in node.value.keywords:
                if (kw.arg == "related_name" and isinstance(kw.value, ast.Constant)
                        and isinstance(kw.value.value, str) and not kw.value.value.endswith("+")):
                    names.add(kw.value.value)
    return names


class _Frame:
    def __init__(self, name: str):
        self.name = name
        self.strings: dict[str, str] = {}
        self.querysets: set[str] = set()


class FileChecker(ast.NodeVisitor):
    def __init__(self, path: str, parts: tuple[str, ...], source: str, tend: set[str],
                 relations: set[str]):
        self.path = path
        self.lines = source.splitlines()
        self.tend = tend
        self.relations = relations
        self.models_module = is_models_module(parts)
        self.bulk_allowed = parts[0] in BULK_LOADERS
        self.external: set[str] = set()
        self.module_strings: dict[str, str] = {}
        self.frames: list[_Frame] = []
        self.findings: list[Finding] = []
        self.allowances: list[Allowance] = []

    # -- context -----------------------------------------------------------------------------

    def check(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] not in self.tend:
                        self.external.add(alias.asname or alias.name.split(".")[0])
            elif (isinstance(node, ast.ImportFrom) and node.level == 0
                  and (node.module or "").split(".")[0] not in self.tend):
                self.external.update(a.asname or a.name for a in node.names)
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name):
                value = self.sql_text(node.value)
                if value is not None:
                    self.module_strings[node.targets[0].id] = value
        self.visit(tree)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        frame = _Frame(node.name)
        self.frames.append(frame)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(
                    sub.targets[0], ast.Name):
                name, value = sub.targets[0].id, sub.value
            elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, ast.Name) and sub.value:
                name, value = sub.target.id, sub.value
            else:
                continue
            text = self.sql_text(value)
            if text is not None:
                frame.strings[name] = text
            elif self.queryset_like(value):
                frame.querysets.add(name)
        self.generic_visit(node)
        self.frames.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    # -- receivers and SQL -------------------------------------------------------------------

    def sql_text(self, expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else " " for v in expr.values)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left, right = self.sql_text(expr.left), self.sql_text(expr.right)
            if left is None and right is None:
                return None
            return (left or "") + " " + (right or "")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
            return self.sql_text(expr.left)
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
                return self.sql_text(expr.func.value)
            if _last_name(expr.func) in ("dedent", "SQL") and expr.args:
                return self.sql_text(expr.args[0])
        if isinstance(expr, ast.Name):
            for frame in reversed(self.frames):
                if expr.id in frame.strings:
                    return frame.strings[expr.id]
            return self.module_strings.get(expr.id)
        return None

    def queryset_like(self, expr: ast.expr) -> bool:
        while True:
            if isinstance(expr, ast.Call):
                if isinstance(expr.func, ast.Attribute) and expr.func.attr in QS_METHODS:
                    return True
                expr = expr.func
                if isinstance(expr, ast.Attribute):
                    expr = expr.value
                else:
                    return False
            elif isinstance(expr, ast.Attribute):
                if (expr.attr == "objects" or expr.attr.endswith("_set")
                        or expr.attr in self.relations):
                    return True
                expr = expr.value
            elif isinstance(expr, ast.Subscript):
                expr = expr.value
            elif isinstance(expr, ast.Name):
                return bool(QS_NAME.search(expr.id)) or any(
                    expr.id in f.querysets for f in self.frames)
            else:
                return False

    # -- calls -------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        kind = self.write_kind(node)
        if kind and not (kind == "bulk" and self.bulk_allowed):
            self.report(node)
        self.generic_visit(node)

    def write_kind(self, node: ast.Call) -> str | None:
        """'bulk' for bulk loads, 'row' for other writes, None for anything else."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        method, receiver = func.attr, func.value
        if method in COPY_CALLS:
            return "bulk"
        if method in SQL_CALLS:
            sql = self.sql_text(node.args[0]) if node.args else None
            if sql is not None and WRITE_SQL.search(ROW_LOCK.sub(" ", sql)):
                return "bulk"
            return None
        if _is_super(receiver):
            if method in ADMIN_SUPER_WRITES:
                return "row"
            own_override = (self.models_module and self.frames
                            and self.frames[-1].name == method)
            if method in ("save", "delete") and not own_override:
                return "row"
            return None
        root = _root_name(receiver)
        if (root in self.external and root not in MODEL_LOOKUPS
                and "get_model(" not in ast.unparse(receiver)):
            return None
        if method in ALWAYS:
            return "bulk" if method in BULK else "row"
        if method in NAMED:
            if _root_name(receiver) in NON_ORM_NAMES or _last_name(receiver) in NON_ORM_NAMES:
                return None
            if method == "save" and any(
                    kw.arg == "commit" and isinstance(kw.value, ast.Constant)
                    and kw.value.value is False for kw in node.keywords):
                return None
            return "row"
        if method == "update":
            return "row" if self.queryset_like(receiver) else None
        if method in RELATED and isinstance(receiver, ast.Attribute) and (
                receiver.attr in self.relations or receiver.attr.endswith("_set")):
            return "row"
        return None

    def report(self, node: ast.Call) -> None:
        start = node.lineno
        end = node.end_lineno or start
        candidates = list(range(start, end + 1))
        above = start - 1
        if above >= 1 and self.lines[above - 1].lstrip().startswith("#"):
            candidates.insert(0, above)
        for number in candidates:
            match = ALLOW.search(self.lines[number - 1])
            if not match:
                continue
            why = (match.group("why") or "").strip()
            if len(why) >= 10:
                self.allowances.append(Allowance(self.path, start, why))
                return
            self.findings.append(Finding(
                self.path, number, "`# writes: allowed`",
                "needs a reason: `# writes: allowed because <why>`"))
            return
        func = ast.unparse(node.func)
        func = func if len(func) <= 72 else "…" + func[-71:]
        self.findings.append(Finding(self.path, start, f"{func}()"))


def scanned_files(root: Path, apps: list[str]) -> list[tuple[Path, tuple[str, ...]]]:
    found = []
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            parts = path.relative_to(root).parts
            if "migrations" in parts or (len(parts) > 2 and parts[1] == "services"):
                continue
            found.append((path, parts))
    return found


def check(root: Path = ROOT, apps: list[str] | None = None
          ) -> tuple[list[Finding], list[Allowance]]:
    """Every ORM write outside services/ under `root`, and every write allowed by comment."""
    apps = app_packages(root) if apps is None else apps
    tend = set(apps)
    parsed = []
    for path, parts in scanned_files(root, apps):
        source = path.read_text(encoding="utf-8")
        parsed.append((path, parts, source, ast.parse(source, filename=str(path))))
    relations = relation_names([(parts, tree) for _, parts, _, tree in parsed])
    findings: list[Finding] = []
    allowances: list[Allowance] = []
    for _path, parts, source, tree in parsed:
        checker = FileChecker("/".join(parts), parts, source, tend, relations)
        checker.check(tree)
        findings += checker.findings
        allowances += checker.allowances
    findings += [Finding(*problem) for problem in admin_writes.check(parsed, tend)]
    return findings, allowances


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    findings, allowances = check(parser.parse_args(argv).root)
    for allowance in allowances:
        print(f"note: {allowance}")
    for finding in findings:
        print(finding)
    if findings:
        print(f"check_writes: {len(findings)} ORM write(s) outside services/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
