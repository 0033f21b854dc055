"""Dependency direction (DESIGN §3): credit imports nothing from pagekit, cases, portal or
search (the layers above it are checked in tests/portal/test_layering.py). Checked
statically with ``ast`` so lazy imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(tree: ast.AST) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def forbidden_imports(package: str, forbidden: set[str]) -> list[str]:
    """``path: module`` for every import in ``package`` of a top-level name in ``forbidden``."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module in sorted(_imported_modules(tree)):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}: {module}")
    return found


def test_finder_sees_imports():
    tree = ast.parse("import search.x\nfrom portal import y\ndef f():\n    from cases.m import z\n")
    assert _imported_modules(tree) == {"search.x", "portal", "cases.m"}


def test_credit_imports_nothing_above_it():
    assert forbidden_imports("credit", {"pagekit", "cases", "portal", "search"}) == []
