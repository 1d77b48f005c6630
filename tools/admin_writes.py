"""The admin half of the write rule (tools/check_writes.py runs it): an admin class may not
keep Django's own writing hooks.

Django's ModelAdmin writes by itself, in code the call scan never sees: `save_model()`
saves the object, `save_related()` saves its many-to-many values and every inline formset,
`delete_model()` and `delete_queryset()` delete. So every admin class (a subclass of
Django's ModelAdmin, UserAdmin, GroupAdmin or an inline) in the scanned apps must
- for saving, override `save_model`, and `save_related` too when it has `inlines` or its
  model has (or may inherit) a many-to-many field; unless `has_add_permission` and
  `has_change_permission` both just `return False`;
- for deleting, override `delete_model` and `delete_queryset`; unless
  `has_delete_permission` just returns False.
Overrides count wherever they are in the class's Tend bases: `itsm.admin_base`'s
ServiceBackedAdmin (each save and delete one service call) and ReadOnlyAdmin (refuses all)
provide all four. The overrides' bodies are then scanned like any code (a
`super().save_model()` is a write). An inline is saved by the admin that lists it in
`inlines`: it passes when such an admin passes, or when it is read-only itself.

Static like the rest: bases, models and imports are resolved by name across the scanned
files (re-exports through a package's `__init__` are followed); an unknown model is
assumed to have many-to-many fields.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

DJANGO_ADMINS = {"ModelAdmin", "UserAdmin", "GroupAdmin"}
DJANGO_INLINES = {"InlineModelAdmin", "TabularInline", "StackedInline"}
SAVE_HOOKS = ("save_model", "save_related")
DELETE_HOOKS = ("delete_model", "delete_queryset")
MESSAGE = ("keeps Django's own {hooks}: admin saves and deletes call services "
           "(itsm.admin_base.ServiceBackedAdmin, or ReadOnlyAdmin)")
INLINE_MESSAGE = ("is an inline no service-backed admin saves: list it in the `inlines` of "
                  "one whose save_related calls a service, or make it read-only")


@dataclass
class Module:
    name: str
    path: str
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module, name)


def module_name(parts: tuple[str, ...]) -> str:
    names = [*parts[:-1], parts[-1].removesuffix(".py")]
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def _imports(tree: ast.Module, name: str, is_package: bool) -> dict[str, tuple[str, str]]:
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        base = node.module or ""
        if node.level:
            package = name.split(".") if is_package else name.split(".")[:-1]
            package = package[:len(package) - node.level + 1]
            base = ".".join([*package, *([base] if base else [])])
        for alias in node.names:
            found[alias.asname or alias.name] = (base, alias.name)
    return found


def _returns_false(fn: ast.FunctionDef | None) -> bool:
    if fn is None:
        return False
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(
        s.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.Return)
            and isinstance(body[0].value, ast.Constant) and body[0].value.value is False)


class Index:
    """Every class of the scanned files, found by (module, name) through imports."""

    def __init__(self, files, tend: set[str]):
        self.tend = tend
        self.modules: dict[str, Module] = {}
        for _path, parts, _source, tree in files:
            name = module_name(parts)
            module = Module(name, "/".join(parts),
                            imports=_imports(tree, name, parts[-1] == "__init__.py"))
            module.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
            self.modules[name] = module

    def resolve(self, module: str, name: str, depth: int = 0
                ) -> tuple[Module, ast.ClassDef] | str | None:
        """The class `name` means in `module`; for a name from outside Tend, its own name."""
        found = self.modules.get(module)
        if found is None or depth > 10:
            return name if module.split(".")[0] not in self.tend else None
        if name in found.classes:
            return found, found.classes[name]
        if name in found.imports:
            source, original = found.imports[name]
            return self.resolve(source, original, depth + 1)
        return None

    def base(self, module: Module, expr: ast.expr):
        if isinstance(expr, ast.Name):
            return self.resolve(module.name, expr.id)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            source = module.imports.get(expr.value.id)  # `from itsm import admin_base`
            if source and f"{source[0]}.{source[1]}" in self.modules:
                return self.resolve(f"{source[0]}.{source[1]}", expr.attr)
        if isinstance(expr, ast.Attribute):  # admin.ModelAdmin, models.Model
            return expr.attr
        return None

    def chain(self, module: Module, cls: ast.ClassDef, seen=None):
        """(module, class) for `cls` and its Tend bases, in (roughly) method-lookup order,
        then the names of the outside bases."""
        seen = set() if seen is None else seen
        if id(cls) in seen:
            return [], set()
        seen.add(id(cls))
        classes, outside = [(module, cls)], set()
        for expr in cls.bases:
            found = self.base(module, expr)
            if isinstance(found, tuple):
                more, names = self.chain(*found, seen)
                classes += more
                outside |= names
            elif isinstance(found, str):
                outside.add(found)
            else:
                outside.add("?")
        return classes, outside

    def has_m2m(self, module: Module, cls: ast.ClassDef) -> bool:
        classes, outside = self.chain(module, cls)
        if outside - {"Model"}:  # AbstractUser and the like bring many-to-many fields
            return True
        return any(isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(
            node.value, ast.Call) and _attr(node.value.func) == "ManyToManyField"
            for _, c in classes for node in c.body)


def _attr(expr: ast.expr) -> str | None:
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", None)


def _methods(classes) -> dict[str, ast.FunctionDef]:
    found = {}
    for _module, cls in classes:
        for node in cls.body:
            if isinstance(node, ast.FunctionDef):
                found.setdefault(node.name, node)
    return found


def _assigned(classes, name: str) -> ast.expr | None:
    for _module, cls in classes:
        for node in cls.body:
            if (isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in node.targets)):
                return node.value
    return None


def _model(index: Index, module: Module, cls: ast.ClassDef, classes):
    expr = _assigned(classes, "model")
    for deco in cls.decorator_list:
        if isinstance(deco, ast.Call) and _attr(deco.func) == "register" and deco.args:
            expr = deco.args[0]
    found = index.base(module, expr) if expr is not None else None
    return found if isinstance(found, tuple) else None


def check(files, tend: set[str]) -> list[tuple[str, int, str, str]]:
    """(path, line, `class name`, problem) for each admin class that keeps a writing hook."""
    index = Index(files, tend)
    admins, inlines, listed = {}, {}, {}
    for module in index.modules.values():
        for cls in module.classes.values():
            classes, outside = index.chain(module, cls)
            if outside & DJANGO_INLINES:
                inlines[id(cls)] = (module, cls, classes)
            elif outside & DJANGO_ADMINS:
                admins[id(cls)] = (module, cls, classes)
    problems, passing = [], set()
    for module, cls, classes in admins.values():
        methods = _methods(classes)
        kept = []
        if not (_returns_false(methods.get("has_add_permission"))
                and _returns_false(methods.get("has_change_permission"))):
            model = _model(index, module, cls, classes)
            needs_related = (_assigned(classes, "inlines") is not None
                             or model is None or index.has_m2m(*model))
            kept += [h for h in SAVE_HOOKS[:2 if needs_related else 1] if h not in methods]
        if not _returns_false(methods.get("has_delete_permission")):
            kept += [h for h in DELETE_HOOKS if h not in methods]
        if kept:
            hooks = ", ".join(f"{h}()" for h in kept)
            problems.append((module.path, cls.lineno, f"`{cls.name}`",
                             MESSAGE.format(hooks=hooks)))
        else:
            passing.add(id(cls))
        value = _assigned(classes, "inlines")
        for expr in value.elts if isinstance(value, ast.List | ast.Tuple) else []:
            found = index.base(module, expr)
            if isinstance(found, tuple):
                listed.setdefault(id(found[1]), set()).add(id(cls) in passing)
    for module, cls, classes in inlines.values():
        methods = _methods(classes)
        read_only = all(_returns_false(methods.get(f"has_{p}_permission"))
                        for p in ("add", "change", "delete"))
        if not read_only and True not in listed.get(id(cls), set()):
            problems.append((module.path, cls.lineno, f"`{cls.name}`", INLINE_MESSAGE))
    return sorted(problems)
