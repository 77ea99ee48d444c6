"""The layering of the packages (docs/ARCHITECTURE.md): an import only goes down.

Every import in bot/ and actions/ is read from the source (also imports inside functions
and under TYPE_CHECKING), reduced to the package it names (`bot.privacy.erasure` ->
`privacy`), and held against LAYERS. A package may import one in its own layer or below,
never above, and the packages' imports must have no cycle. A new package must be given
a layer here: an unknown package fails the test.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# bottom -> top; a package may import from its own layer and those below it
LAYERS: list[set[str]] = [
    {"base"},  # errors, logs, settings, refs, sealing, scale, turn
    {"language", "i18n", "nlu", "ratings", "insights"},  # understanding, pure
    {"tenants", "storage", "staff", "audit", "reports", "rasa", "stack", "cluster"},
    {"inbox"},  # what every channel does with a guest's message before Rasa
    {"outbox"},  # everything sent to a guest (and staff alerts)
    {"handover"},
    {"channels"},  # one folder per medium: receive, parse, send
    # stays and (later) invitations: below privacy, whose registry erases and exports the
    # stays; above the outbox, handover and channels its sending will need
    {"outreach"},
    {"privacy"},
    {"feedback"},  # the guest-turn pipeline
    {"console", "jobs", "actions"},  # entry points
]
LAYER = {package: n for n, packages in enumerate(LAYERS) for package in packages}


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "actions":
        return "actions"
    if parts[0] != "bot" or len(parts) < 2:
        return None
    return parts[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Absolute module names this file imports (relative imports resolved)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def package_imports() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) -> the files that import so."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]
    for path in files:
        source = package_of(module_name(path))
        for module in imports(path):
            target = package_of(module)
            if source and target and target != source:
                edges[(source, target)].append(str(path.relative_to(ROOT)))
    return edges


def test_every_package_has_a_layer():
    packages = {p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages |= {p.stem for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py"}
    assert packages - LAYER.keys() == set(), "give the new package a layer in LAYERS"


def test_no_import_runs_up_a_layer():
    upward = {
        f"{a} -> {b}": sorted(set(files))
        for (a, b), files in package_imports().items()
        if a in LAYER and b in LAYER and LAYER[b] > LAYER[a]
    }
    assert upward == {}


def test_packages_import_each_other_in_no_cycle():
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in package_imports():
        graph[a].add(b)
    cycles = []
    state: dict[str, int] = {}  # 1 = on the path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The reader is not blind: the real tree has imports it resolves (relative ones too)."""
    edges = package_imports()
    assert ("feedback", "privacy") in edges
    assert ("channels", "inbox") in edges
    sample = tmp_path / "bot" / "storage" / "x.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from ..privacy import stores\nimport bot.console.app\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert {package_of(m) for m in imports(sample)} == {"privacy", "console"}
    finally:
        ROOT = saved
