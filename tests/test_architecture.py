"""The house rules of the code: data flows one way, and the import graph says so.

Every module of ``src/rek`` lives on one floor; a module imports only from its own floor or below, and
no import — at the top of a file or inside a function — closes a circle. Imports under
``if TYPE_CHECKING`` are annotations, not dependencies, and are left out.

0 base       text, formats, templates' sandbox, files and git; knows nothing of a strategy
1 model      the typed model, loading and validating a project (overrides are read, not rendered)
2 plan       the resolved plan, the monitoring judgements and the checks on them
3 render     charts, site pages, application, drafts, report
4 commands   build, serve, publish, diff, scaffolding, the check stage of overrides, the CLI
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "rek"
FLOORS: dict[int, set[str]] = {
    0: {
        "rek", "diagnostics", "formatting", "clock", "locate", "layout", "invisible", "textlength",
        "suggest", "clicktext", "cireport", "heap", "interrupts", "progress", "spreadsheet", "gitsafe", "gitdates",
        "typstguard", "figures", "sandbox", "markup", "yamlsource", "refdoc", "templateerror", "mdtext", "money",
        "cisource",
    },
    1: {
        "model", "call", "validation", "textrules", "sitesettings", "assets", "crossref", "indicatorrules", "overrides",
        "project", "placeholders", "jsonschemas", "progresssheet", "cmsconfig", "yamlformat",
    },
    2: {"plan", "monitoring", "requirements", "checks"},
    3: {"charts", "report", "summary", "site", "application"},  # and every module in site/ and application/
    4: {"build", "serve", "publish", "diff", "scaffold", "rehearsal", "outputs", "progressimport", "cms", "cli"},
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def floor_of(module: str) -> int:
    short = module.removeprefix("rek.") if module != "rek" else "rek"
    for floor, names in FLOORS.items():
        if short in names or short.split(".")[0] in names and short.split(".")[0] in {"site", "application"}:
            return floor
    raise AssertionError(f"{module} has no floor: add it to FLOORS in tests/test_architecture.py")


def imports_of(path: Path, modules: set[str], name: str | None = None) -> set[str]:
    """The rek modules a file imports (also inside functions), without TYPE_CHECKING imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


@functools.cache
def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in SRC.rglob("*.py")}
    return {name: imports_of(path, set(paths)) for name, path in paths.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_closes_a_circle() -> None:
    assert cycles(graph()) == []


def test_no_import_runs_up_a_floor() -> None:
    upward = [
        f"{a} (floor {floor_of(a)}) imports {b} (floor {floor_of(b)})"
        for a, targets in sorted(graph().items())
        for b in sorted(targets)
        if floor_of(b) > floor_of(a)
    ]
    assert upward == []


def test_every_module_has_a_floor() -> None:
    for name in graph():
        floor_of(name)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_circle_finder_finds_circles(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(edges) == expected


def test_a_lazy_import_counts(tmp_path: Path) -> None:
    """An import inside a function is a dependency too (it was how the old circle hid)."""
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from rek import plan\n", encoding="utf-8")
    assert imports_of(module, {"rek.plan"}, "rek.x") == {"rek.plan"}


def test_renderers_import_no_checker() -> None:
    """Pages, charts and documents read judgements (monitoring), never findings (checks)."""
    edges = graph()
    renderers = [m for m in edges if floor_of(m) == 3]
    assert renderers and all("rek.checks" not in edges[m] for m in renderers)


def test_loading_imports_no_renderer() -> None:
    """Loading a project (floor 1) never pulls in a renderer, Typst or Pandoc."""
    edges = graph()
    seen, todo = set(), ["rek.project"]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(edges[current])
    assert {m for m in seen if floor_of(m) >= 2} == set()
    assert "rek.application.export" not in seen
