"""The docs point at real code: every file path they name exists, and every function they
name next to a path is defined there, so "where does filing happen" stays answerable."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "CONTRIBUTING.md", "docs/DESIGN.md"]
# Apps the design places on the ladder before they are built: their paths may not exist yet.
PLANNED = ("knowledge/", "inbound/", "capacity/", "problems/", "integrations/", "agent/")
PATH = re.compile(r"`((?:itsm|tickets|maintenance|monitoring|reports|demo|tools|bench|tests)"
                  r"/[\w./-]*)`")
# `path/to/module.py` `function_name` or `path.py` (`function_name`, …) on one line
NAMED = re.compile(r"`([\w/]+\.py)`\s*\(?`([a-z_][a-z0-9_]*)`")


def _lines():
    for doc in DOCS:
        for number, line in enumerate((ROOT / doc).read_text().splitlines(), 1):
            yield doc, number, line


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_the_docs_name_exists(doc):
    missing = [f"{d}:{n}: {path}" for d, n, line in _lines() if d == doc
               for path in PATH.findall(line)
               if "<" not in path and not path.startswith(PLANNED)
               and not (ROOT / path.rstrip("/")).exists()]
    assert missing == []


def test_every_function_named_beside_a_path_is_defined_there():
    missing = []
    for doc, number, line in _lines():
        for path, name in NAMED.findall(line):
            source = ROOT / path
            if not source.exists() or not re.search(rf"^(async )?def {name}\b|^{name} = ",
                                                    source.read_text(), re.M):
                missing.append(f"{doc}:{number}: {name} in {path}")
    assert missing == []


API_PATH = re.compile(r"`(/(?:api|ping)/[^`\s]*)`")
SAMPLES = {"ref": "INC-1042", "id": "1", "name": "sla",
           "uuid": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"}
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _api_rows():
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        if line.startswith("| `/"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            yield line, API_PATH.findall(cells[0]), cells[1]


def _methods(path: str) -> set[str] | None:
    from django.urls import resolve

    match = resolve(re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path))
    actions = getattr(match.func, "actions", None)
    if actions:
        return {m.upper() for m in actions}
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    if view_class is None:
        return None  # a plain function view: resolving is the check
    return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}


def _listed(methods: str, paths: list[str]) -> set[str]:
    listed = {verb for verb in VERBS if re.search(rf"\b{verb}\b", methods)}
    if "CRUD" in methods:
        listed |= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    return listed


def test_every_api_endpoint_in_the_readme_exists_with_its_methods():
    from django.urls import Resolver404

    problems, rows = [], list(_api_rows())
    assert len(rows) > 10, "the README's API table was not found"
    for _line, paths, methods in rows:
        served: set[str] = set()
        for path in paths:
            try:
                found = _methods(path)
            except Resolver404:
                problems.append(f"{path}: no such URL")
                continue
            served |= found if found is not None else set(_listed(methods, paths))
        missing = _listed(methods, paths) - served
        if missing:
            problems.append(f"{', '.join(paths)}: {', '.join(sorted(missing))} not served")
    assert problems == []
