"""The package layout: stages import only themselves and earlier stages, and no module grows too long."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assess"
# Shared foundations first, then the pipeline stages in the order data flows, then the web and command line.
ORDER = [
    "errors", "i18n", "resources", "files", "packs", "responses", "scoring", "analysis", "cases", "actions", "report",
    "district", "web", "cli",
]
MAX_LINES = 620


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def level(module: str) -> int:
    """The place of `assess.X...` in ORDER (its first part after `assess`)."""
    return ORDER.index(module.split(".")[1])


def imported_assess_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every `from assess.… import` in the file, lazy imports inside functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.module)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assess.")
    ]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_its_own_stage_and_earlier_ones(path):
    own = "assess." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    upward = [f"line {line}: {module}" for line, module in imported_assess_modules(path) if level(module) > level(own)]
    assert upward == []


def test_every_stage_is_a_subpackage_with_a_docstring():
    for stage in ("packs", "responses", "scoring", "analysis", "cases", "actions", "report", "district"):
        init = PACKAGE / stage / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long_to_read(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("assess", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def import_graph() -> dict[str, set[str]]:
    """Module -> the `assess` modules it imports (`from assess.x import y` counts `assess.x.y` when that is a
    module), lazy imports inside functions included: a circle through a lazy import is still a circle."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assess"):
                found |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in paths}
                found.add(node.module)
        graph[module] = {m for m in found if m in paths and m != module and not module.startswith(m + ".")}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm), each a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while (top := stack.pop()) != module:
                group.append(top)
            if group:
                found.append(sorted([module, *group]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_modules_import_each_other_in_a_circle():
    assert circles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


STAGES = ("packs", "responses", "scoring", "analysis", "cases", "actions", "report", "district")
WEB = sorted((PACKAGE / "web").rglob("*.py"))


@pytest.mark.parametrize("path", WEB, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_web_calls_only_the_stages_declared_entry_points(path):
    """`assess.web` imports a stage as `from assess.<stage> import name`, with `name` in the stage's `__all__`."""
    import importlib

    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assess.")):
            continue
        parts = node.module.split(".")
        if parts[1] not in STAGES:
            continue
        declared = importlib.import_module(f"assess.{parts[1]}").__all__
        if len(parts) > 2 or any(alias.name not in declared for alias in node.names):
            wrong.append(f"line {node.lineno}: from {node.module} import {', '.join(a.name for a in node.names)}")
    assert wrong == []


@pytest.mark.parametrize("stage", STAGES)
def test_every_declared_entry_point_exists(stage):
    import importlib

    module = importlib.import_module(f"assess.{stage}")
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []
