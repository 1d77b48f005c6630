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
