"""The package's import graph: every module imports, and no two modules import each other,
directly or through others (at the top of a file or inside a function)."""

import ast
import importlib
import pkgutil
from pathlib import Path

import lecturekit

PACKAGE = Path(lecturekit.__file__).parent


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__.py``)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["lecturekit", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules that module ``name`` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            module = ".".join(p for p in (base if node.level else "", node.module or "") if p)
            # `from . import x` names module x; `from .m import f` names module m
            targets |= {f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                        for alias in node.names}
    return {t for t in targets if t in known}


def node(name: str) -> str:
    """A top-level module, or a subpackage as one node (lecturekit.models.resnet -> models)."""
    parts = name.split(".")
    return ".".join(parts[:2])


def graph() -> dict[str, set[str]]:
    found = modules()
    edges: dict[str, set[str]] = {node(n): set() for n in found}
    for name, path in found.items():
        edges[node(name)] |= {node(t) for t in imported(name, path, set(found))} - {node(name)}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v), on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_imports():
    names = [m.name for m in pkgutil.walk_packages(lecturekit.__path__, "lecturekit.")]
    assert {"lecturekit.cli", "lecturekit.models.resnet", "lecturekit.layers.conv"} <= set(names)
    for name in names:
        if name != "lecturekit.__main__":
            importlib.import_module(name)


def test_no_import_cycle_among_the_packages_modules():
    edges = graph()
    assert "lecturekit.data" in edges["lecturekit.train"]           # the graph sees imports
    assert "lecturekit.kernels" in edges["lecturekit.cli"]          # ... inside functions too
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_the_command_line_module_imports_argparse():
    assert [name for name, path in modules().items() if "argparse" in top_names(path)] == ["lecturekit.cli"]


def top_names(path: Path) -> set[str]:
    """The top-level names of the absolute imports in a file (``argparse``, ``torch`` ...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_sub_command_is_defined_in_the_command_line_module():
    assert [name for name, path in modules().items() if ".add_parser(" in path.read_text()] == \
        ["lecturekit.cli"]
